// A fake VerneMQ HTTP management API: a real HTTP server on a loopback port that answers
// `session show` and `session disconnect` the way VerneMQ 2.2 documents and implements them. No
// VerneMQ can be installed here; every response shape below names where it comes from.
//
// Sources (vernemq/vernemq tag 2.2.0, and vernemq/vmq-docs):
//   API      apps/vmq_server/src/vmq_http_mgmt_api.erl (GET only; path = command, query = args and --flags;
//            malformed_request → 400; routes /api/v1/[...])
//   KEYS     apps/vmq_server/src/vmq_auth_apikey.erl (basic auth with the key as username, or x-api-key;
//            refusal: 401 with `Authorization realm="VerneMQ"`)
//   SHOW     apps/vmq_server/src/vmq_info_cli.erl vmq_ql_callback/3 (default columns, --limit per node
//            default 100, --rowtimeout, --col=value filters, ~regex)
//   FIELDS   apps/vmq_server/src/vmq_info.erl fields_config/0 (queue_base, queues, sessions,
//            subscriptions: one row per subscription), queue_row_init, session_row_init
//   DISC     apps/vmq_server/src/vmq_info_cli.erl vmq_session_disconnect_cmd/0 ("Done" whether or
//            not the client exists; --cleanup deletes the queue and subscriptions)
//   JSON     apps/vmq_server/src/vmq_cli_json_writer.erl (a lone element bare, several as an array;
//            undefined → null; {"type":"table","table":[…]}, {"type":"text","text":"Done"})
//   DOCS     vernemq/vmq-docs administration/http-administration.md, administration/managing-sessions.md
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export type FakeVernemqSession = {
	client_id: string;
	mountpoint?: string;
	node?: string;
	is_online?: boolean;
	user?: string;
	peer_host?: string;
	peer_port?: number;
	/** MQTT protocol level: 3, 4, 5 (bridges 131, 132). */
	protocol?: number;
	clean_session?: boolean;
	offline_messages?: number;
	online_messages?: number;
	session_started_at?: number;
	queue_started_at?: number;
	subscriptions?: Record<string, number>;
};

type Stored = Required<Pick<FakeVernemqSession, 'client_id' | 'mountpoint' | 'node' | 'is_online' | 'clean_session'>> & FakeVernemqSession;

/** FIELDS: every column `session show` accepts. */
const validColumns = new Set([
	'node',
	'mountpoint',
	'client_id',
	'queue_pid',
	'queue_size',
	'session_pid',
	'is_offline',
	'is_online',
	'statename',
	'deliver_mode',
	'offline_messages',
	'online_messages',
	'num_sessions',
	'clean_session',
	'is_plugin',
	'queue_started_at',
	'user',
	'peer_host',
	'peer_port',
	'protocol',
	'waiting_acks',
	'session_started_at',
	'topic',
	'qos',
	'rap',
	'no_local',
	'msg_ref',
	'msg_qos',
	'routing_key',
	'dup',
	'payload',
]);

/** SHOW: the columns shown when no column flag is given. */
const defaultColumns = ['peer_port', 'peer_host', 'user', 'mountpoint', 'client_id', 'is_online'];

/** FIELDS session_row_init: these exist only for a session with a live connection. */
const connectionColumns = new Set(['user', 'peer_host', 'peer_port', 'protocol', 'waiting_acks', 'session_started_at', 'session_pid']);

export class FakeVernemq {
	readonly apiKey: string;
	readonly sessions: Stored[] = [];
	readonly requests: {method: string; url: string}[] = [];
	failNext = 0;
	/** Answer 500 to every request whose path and query match this. */
	failMatching: RegExp | undefined;
	stallMatching: RegExp | undefined;
	private stalled: (() => void)[] = [];
	private server: Server | undefined;
	private port = 0;

	constructor(options: {apiKey?: string} = {}) {
		this.apiKey = options.apiKey ?? 'JxctXkZ1OTVnlwvguSCE9KtujacMkOLF';
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}/api/v1`;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	async stop(): Promise<void> {
		this.release();
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	release(): void {
		const waiting = this.stalled;
		this.stalled = [];
		for (const go of waiting) go();
	}

	add(session: FakeVernemqSession): void {
		this.sessions.push({
			mountpoint: '',
			node: 'VerneMQ@127.0.0.1',
			is_online: true,
			clean_session: true,
			offline_messages: 0,
			online_messages: 0,
			...session,
		});
	}

	find(clientId: string, mountpoint = ''): Stored | undefined {
		return this.sessions.find((s) => s.client_id === clientId && s.mountpoint === mountpoint);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		this.requests.push({method: req.method ?? 'GET', url: req.url ?? '/'});
		const url = new URL(req.url ?? '/', 'http://fake');
		if (this.stallMatching?.test(url.pathname)) await new Promise<void>((resolve) => this.stalled.push(resolve));
		if (!this.server) return void res.destroy();
		if (this.failNext > 0 || this.failMatching?.test(decodeURIComponent(req.url ?? ''))) {
			if (this.failNext > 0) this.failNext--;
			return void res.writeHead(500).end();
		}

		// API allowed_methods: GET, OPTIONS, HEAD.
		if (req.method !== 'GET') return void res.writeHead(405).end();
		// KEYS is_authorized: the key is the basic-auth username (password ignored), or x-api-key.
		const auth = req.headers.authorization;
		const key = auth?.toLowerCase().startsWith('basic ')
			? Buffer.from(auth.slice(6), 'base64').toString().split(':')[0]
			: (req.headers['x-api-key'] as string | undefined);
		if (key !== this.apiKey) return void res.writeHead(401, {'www-authenticate': 'Authorization realm="VerneMQ"'}).end();

		const command = url.pathname.replace(/^\/api\/v1\//, '');
		if (!url.pathname.startsWith('/api/v1/')) return void res.writeHead(404).end();
		if (command === 'session/show' || command === 'sessions') return this.show(url.searchParams, res);
		if (command === 'session/disconnect') return this.disconnect(url.searchParams, res);
		// API malformed_request: a command clique does not know → 400.
		return void res.writeHead(400).end();
	}

	private show(params: URLSearchParams, res: ServerResponse): void {
		let limit = 100;
		const columns: string[] = [];
		const filters: [string, string][] = [];
		let flags = 0;
		for (const [name, value] of params) {
			if (!name.startsWith('--')) return void res.writeHead(400).end();
			const flag = name.slice(2);
			flags++;
			if (flag === 'limit' || flag === 'rowtimeout') {
				if (!/^\d+$/.test(value)) return void res.writeHead(400).end();
				if (flag === 'limit') limit = Number(value);
				continue;
			}

			// API malformed_request: an unknown flag fails clique's validation → 400.
			if (!validColumns.has(flag)) return void res.writeHead(400).end();
			// URLSearchParams turns a bare `--client_id` into the value ''; cowboy's parse_qs into `true`.
			if (value === '') columns.push(flag);
			else filters.push([flag, value]);
		}

		// SHOW: with no flags at all (or only limit/rowtimeout), the default columns.
		const fields = flags === 0 || columns.length === 0 ? defaultColumns : columns;
		const bySubscription = fields.includes('topic') || fields.includes('qos');
		const perNode = new Map<string, number>();
		const table: Record<string, unknown>[] = [];
		for (const session of this.sessions) {
			if (!filters.every(([flag, want]) => matches(session, flag, want))) continue;
			// FIELDS subscription_row_init: one row per subscription; a session with none yields no row.
			const expanded = bySubscription
				? Object.entries(session.subscriptions ?? {}).map(([topic, qos]) => ({...session, topic, qos}))
				: [session];
			for (const row of expanded) {
				const count = perNode.get(session.node) ?? 0;
				if (count >= limit) break;
				perNode.set(session.node, count + 1);
				const out: Record<string, unknown> = {};
				for (const field of fields) {
					if (connectionColumns.has(field) && !session.is_online) continue;
					const value = (row as Record<string, unknown>)[field];
					// JSON prepare_table_value(undefined) → null.
					out[field] = value === undefined ? null : value;
				}

				table.push(out);
			}
		}

		// JSON: a lone table element is sent bare.
		send(res, {type: 'table', table});
	}

	private disconnect(params: URLSearchParams, res: ServerResponse): void {
		const clientId = params.get('client-id');
		// DISC: without client-id, the usage text as an alert.
		if (clientId === null) {
			return send(res, {
				type: 'alert',
				alert: [{type: 'text', text: 'vmq-admin session disconnect client-id=<ClientId>\n\n  Forcefully disconnects a client'}],
			});
		}

		const mountpoint = params.get('--mountpoint') ?? '';
		const cleanup = params.has('--cleanup');
		for (const session of this.sessions.filter((s) => s.client_id === clientId && s.mountpoint === mountpoint)) {
			// vmq_queue force_disconnect: cleanup deletes queue and subscriptions; otherwise a clean
			// session ends with its connection and a persistent one waits offline.
			if (cleanup || session.clean_session) this.sessions.splice(this.sessions.indexOf(session), 1);
			else session.is_online = false;
		}

		// DISC: "Done", found or not.
		send(res, {type: 'text', text: 'Done'});
	}
}

function matches(session: Stored, flag: string, want: string): boolean {
	const value = String((session as Record<string, unknown>)[flag]);
	return want.startsWith('~') ? new RegExp(want.slice(1)).test(value) : value === want;
}

function send(res: ServerResponse, body: unknown): void {
	res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(body));
}
