// A fake EMQX 5 management API: a real HTTP server on a loopback port that answers the way EMQX
// 5.8 documents and implements it, so the driver is tested against the shapes it will meet. No
// EMQX can be installed here; every response shape below names where it comes from.
//
// Sources (read at emqx/emqx tag v5.8.9):
//   CLIENTS  apps/emqx_management/src/emqx_mgmt_api_clients.erl
//   SUBS     apps/emqx_management/src/emqx_mgmt_api_subscriptions.erl
//   BANNED   apps/emqx_management/src/emqx_mgmt_api_banned.erl and apps/emqx/src/emqx_banned.erl
//   PAGING   apps/emqx_dashboard/src/emqx_dashboard_swagger.erl (fields(page|limit|meta), MAX_ROW_LIMIT)
//   AUTH     apps/emqx_dashboard/src/emqx_dashboard.erl (api_key_authorize, return_unauthorized)
//   KICK     apps/emqx/src/emqx_channel.erl (handle_call(kick): maybe_publish_will_msg(kicked, …))
//   DOCS     https://docs.emqx.com/en/emqx/latest/admin/api.html (basic auth with API key and secret key)
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

/** A client as the listing shows it (CLIENTS fields(client), client_example()). */
export type FakeEmqxClient = Record<string, unknown> & {clientid: string; connected: boolean};

export type FakeBan = {as: string; who: string; by: string; reason: string; at: string; until: string};

export type ClientSeed = {
	clientid: string;
	username?: string;
	ip_address?: string;
	port?: number;
	proto_ver?: 3 | 4 | 5;
	proto_name?: string;
	clean_start?: boolean;
	expiry_interval?: number;
	keepalive?: number;
	connected?: boolean;
	connected_at?: string;
	node?: string;
	mqueue_len?: number;
	inflight_cnt?: number;
	subscriptions?: Record<string, number>;
	/** The will message EMQX publishes when the client is kicked. */
	will?: string;
};

/**
 * The full row, shaped like client_example() in CLIENTS: `username` null when absent, times in
 * RFC 3339 with the node's offset, `subscriptions_max` the string "infinity".
 */
export function emqxClientRow(seed: ClientSeed, subscriptionsCount: number): FakeEmqxClient {
	const connected = seed.connected ?? true;
	const row: FakeEmqxClient = {
		awaiting_rel_cnt: 0,
		awaiting_rel_max: 100,
		clean_start: seed.clean_start ?? true,
		clientid: seed.clientid,
		connected,
		connected_at: seed.connected_at ?? '2026-12-02T14:34:56.789+08:00',
		created_at: seed.connected_at ?? '2026-12-02T14:34:56.789+08:00',
		durable: false,
		enable_authn: true,
		expiry_interval: seed.expiry_interval ?? 0,
		heap_size: 610,
		inflight_cnt: seed.inflight_cnt ?? 0,
		inflight_max: 32,
		ip_address: seed.ip_address ?? '127.0.0.1',
		is_bridge: false,
		is_expired: false,
		is_persistent: false,
		keepalive: seed.keepalive ?? 60,
		listener: 'tcp:default',
		mailbox_len: 0,
		mountpoint: 'null',
		mqueue_dropped: 0,
		mqueue_len: seed.mqueue_len ?? 0,
		mqueue_max: 1000,
		node: seed.node ?? 'emqx@127.0.0.1',
		peerport: seed.port ?? 52571,
		port: seed.port ?? 52571,
		proto_name: seed.proto_name ?? 'MQTT',
		proto_ver: seed.proto_ver ?? 5,
		recv_cnt: 4,
		recv_msg: 0,
		'recv_msg.dropped': 0,
		'recv_msg.dropped.await_pubrel_timeout': 0,
		'recv_msg.qos0': 0,
		'recv_msg.qos1': 0,
		'recv_msg.qos2': 0,
		recv_oct: 49,
		recv_pkt: 4,
		reductions: 6836,
		send_cnt: 4,
		send_msg: 0,
		'send_msg.dropped': 0,
		'send_msg.dropped.expired': 0,
		'send_msg.dropped.queue_full': 0,
		'send_msg.dropped.too_large': 0,
		'send_msg.qos0': 0,
		'send_msg.qos1': 0,
		'send_msg.qos2': 0,
		send_oct: 31,
		send_pkt: 4,
		subscriptions_cnt: subscriptionsCount,
		subscriptions_max: 'infinity',
		username: seed.username ?? null,
	};
	// CLIENTS fields(client): disconnected_at is "only valid and returned when connected is false".
	if (!connected) row.disconnected_at = '2026-12-02T14:40:00.000+08:00';
	return row;
}

type Stored = {seed: ClientSeed; subscriptions: Map<string, number>};

export type FakeEmqxOptions = {apiKey?: string; apiSecret?: string; role?: 'administrator' | 'viewer'};

export class FakeEmqx {
	readonly apiKey: string;
	readonly apiSecret: string;
	role: 'administrator' | 'viewer';
	readonly clients = new Map<string, Stored>();
	readonly bans: FakeBan[] = [];
	/** Will messages published by kicks, in order (KICK). */
	readonly wills: {clientid: string; will: string}[] = [];
	/** Every request: method and URL as received. */
	readonly requests: {method: string; url: string}[] = [];
	/** Answer the next N requests with 500 (an internal error), then answer normally. */
	failNext = 0;
	/** Hold every request matching this until release() (a stalled broker). */
	stallMatching: RegExp | undefined;
	private stalled: (() => void)[] = [];
	private server: Server | undefined;
	private port = 0;

	constructor(options: FakeEmqxOptions = {}) {
		this.apiKey = options.apiKey ?? 'a1b2c3d4e5f6';
		this.apiSecret = options.apiSecret ?? 'Wb9sEcReT';
		this.role = options.role ?? 'administrator';
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}/api/v5`;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	/** Goes down: the port refuses connections until start() again (same port). */
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

	add(seed: ClientSeed): void {
		this.clients.set(seed.clientid, {seed: {...seed}, subscriptions: new Map(Object.entries(seed.subscriptions ?? {}))});
	}

	remove(clientId: string): void {
		this.clients.delete(clientId);
	}

	rows(): FakeEmqxClient[] {
		return [...this.clients.values()].map((c) => emqxClientRow(c.seed, c.subscriptions.size));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://fake');
		this.requests.push({method: req.method ?? 'GET', url: req.url ?? '/'});
		const body = await readBody(req);
		if (this.stallMatching?.test(url.pathname)) await new Promise<void>((resolve) => this.stalled.push(resolve));
		if (!this.server) return void res.destroy();
		if (this.failNext > 0) {
			this.failNext--;
			return send(res, 500, {code: 'INTERNAL_ERROR', message: 'fake internal error'});
		}

		// AUTH: api_key_authorize → return_unauthorized(Code, Message): 401, WWW-Authenticate, {code, message}.
		const auth = req.headers.authorization;
		if (!auth || !/^basic /i.test(auth)) {
			return send(
				res,
				401,
				{code: 'AUTHORIZATION_HEADER_ERROR', message: 'Support authorization: basic/bearer '},
				{'www-authenticate': 'Basic Realm="emqx-dashboard"'},
			);
		}

		const [key, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
		if (key !== this.apiKey || rest.join(':') !== this.apiSecret) {
			return send(
				res,
				401,
				{code: 'BAD_API_KEY_OR_SECRET', message: 'Check api_key/api_secret'},
				{'www-authenticate': 'Basic Realm="emqx-dashboard"'},
			);
		}

		// AUTH: a viewer-role key may only read (check_rbac → 403 UNAUTHORIZED_ROLE).
		if (this.role === 'viewer' && req.method !== 'GET') {
			return send(res, 403, {code: 'UNAUTHORIZED_ROLE', message: "This API Key don't have permission to access this resource"});
		}

		// Cowboy matches path segments, then percent-decodes each binding.
		const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
		if (segments[0] !== 'api' || segments[1] !== 'v5') return send(res, 404, {code: 'NOT_FOUND', message: 'Request Path Not Found'});
		const [resource, id, sub] = segments.slice(2);
		if (resource === 'clients' && id === undefined && req.method === 'GET') return this.listClients(url, res);
		if (resource === 'clients' && id !== undefined && sub === 'subscriptions' && req.method === 'GET') return this.subscriptionsOf(id, res);
		if (resource === 'clients' && id !== undefined && sub === undefined && req.method === 'DELETE') return this.kick(id, res);
		if (resource === 'banned' && id === undefined && req.method === 'GET') return this.listBans(url, res);
		if (resource === 'banned' && id === undefined && req.method === 'POST') return this.ban(body, res);
		if (resource === 'banned' && id !== undefined && sub !== undefined && req.method === 'DELETE') return this.unban(id, sub, res);
		return send(res, 404, {code: 'NOT_FOUND', message: 'Request Path Not Found'});
	}

	private listClients(url: URL, res: ServerResponse): void {
		const q = url.searchParams;
		const paging = pagingOf(q);
		if ('error' in paging) return send(res, 400, {code: 'BAD_REQUEST', message: paging.error});
		// CLIENTS CLIENT_QSCHEMA: exact node/username/clientid/ip_address/conn_state/proto_ver, substring like_clientid/like_username.
		let rows = this.rows();
		const exact: [string, (row: FakeEmqxClient) => unknown][] = [
			['node', (r) => r.node],
			['clientid', (r) => r.clientid],
			['ip_address', (r) => r.ip_address],
			['proto_ver', (r) => String(r.proto_ver)],
			['conn_state', (r) => (r.connected ? 'connected' : 'disconnected')],
		];
		for (const [name, get] of exact) {
			const want = q.get(name);
			if (want !== null) rows = rows.filter((r) => get(r) === want);
		}

		const users = q.getAll('username');
		if (users.length > 0) rows = rows.filter((r) => users.includes(r.username as string));
		const likeId = q.get('like_clientid');
		if (likeId !== null) rows = rows.filter((r) => r.clientid.includes(likeId));
		const likeUser = q.get('like_username');
		if (likeUser !== null) rows = rows.filter((r) => typeof r.username === 'string' && r.username.includes(likeUser));
		// PAGING fields(meta): page, limit, count, hasnext.
		const start = (paging.page - 1) * paging.limit;
		send(res, 200, {
			data: rows.slice(start, start + paging.limit),
			meta: {page: paging.page, limit: paging.limit, count: rows.length, hasnext: start + paging.limit < rows.length},
		});
	}

	private subscriptionsOf(clientId: string, res: ServerResponse): void {
		const client = this.clients.get(clientId);
		// CLIENTS ?CLIENTID_NOT_FOUND_OBJ: 404 {code: CLIENTID_NOT_FOUND, message: "Client ID not found"}.
		if (!client) return send(res, 404, {code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found'});
		// SUBS format/2: topic, clientid, node, durable, plus qos/nl/rap/rh from the options.
		const node = client.seed.node ?? 'emqx@127.0.0.1';
		send(
			res,
			200,
			[...client.subscriptions].map(([topic, qos]) => ({topic, clientid: clientId, node, durable: false, qos, nl: 0, rap: 0, rh: 0})),
		);
	}

	private kick(clientId: string, res: ServerResponse): void {
		const client = this.clients.get(clientId);
		if (!client) return send(res, 404, {code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found'});
		this.discard(clientId);
		// CLIENTS kickout/1: {204} on success, no body.
		send(res, 204);
	}

	/** KICK: the will is published and the session, persistent or not, is gone. */
	private discard(clientId: string): void {
		const client = this.clients.get(clientId);
		if (!client) return;
		if (client.seed.connected !== false && client.seed.will !== undefined) this.wills.push({clientid: clientId, will: client.seed.will});
		this.clients.delete(clientId);
	}

	private listBans(url: URL, res: ServerResponse): void {
		const paging = pagingOf(url.searchParams);
		if ('error' in paging) return send(res, 400, {code: 'BAD_REQUEST', message: paging.error});
		const start = (paging.page - 1) * paging.limit;
		// BANNED schema("/banned") get: {data: [ban], meta}; emqx_banned:format/1 gives as, who, by, reason, at, until.
		send(res, 200, {
			data: this.bans.slice(start, start + paging.limit),
			meta: {page: paging.page, limit: paging.limit, count: this.bans.length, hasnext: start + paging.limit < this.bans.length},
		});
	}

	private ban(body: string, res: ServerResponse): void {
		let ban: Partial<FakeBan>;
		try {
			ban = JSON.parse(body) as Partial<FakeBan>;
		} catch {
			return send(res, 400, {code: 'BAD_REQUEST', message: 'invalid json'});
		}

		if (
			!['clientid', 'username', 'peerhost', 'clientid_re', 'username_re', 'peerhost_net'].includes(ban.as ?? '') ||
			typeof ban.who !== 'string'
		) {
			return send(res, 400, {code: 'BAD_REQUEST', message: 'bad as/who'});
		}

		const old = this.bans.find((b) => b.as === ban.as && b.who === ban.who);
		// BANNED banned(post): an unexpired ban answers 400 ALREADY_EXISTS with the old ban as JSON text.
		if (old) return send(res, 400, {code: 'ALREADY_EXISTS', message: JSON.stringify(old)});
		// emqx_banned:parse/1 defaults: by "mgmt_api", reason "", until infinity.
		const stored: FakeBan = {
			as: ban.as!,
			who: ban.who,
			by: ban.by ?? 'mgmt_api',
			reason: ban.reason ?? '',
			at: new Date().toISOString().replace('Z', '+00:00'),
			until: ban.until ?? 'infinity',
		};
		this.bans.push(stored);
		// emqx_banned:on_banned/1: only a clientid ban kicks the live session.
		if (stored.as === 'clientid') this.discard(stored.who);
		// BANNED banned(post) answers {200, format(Banned)}: the ban itself.
		send(res, 200, stored);
	}

	private unban(as: string, who: string, res: ServerResponse): void {
		const index = this.bans.findIndex((b) => b.as === as && b.who === who);
		// BANNED delete_banned: 404 'NOT_FOUND' with "~p: ~s not found".
		if (index < 0) return send(res, 404, {code: 'NOT_FOUND', message: `${as}: ${who} not found`});
		this.bans.splice(index, 1);
		send(res, 204);
	}
}

/** PAGING: page ≥ 1 (default 1), limit 1..10,000 (default 100). */
function pagingOf(q: URLSearchParams): {page: number; limit: number} | {error: string} {
	const page = Number(q.get('page') ?? 1);
	const limit = Number(q.get('limit') ?? 100);
	if (!Number.isInteger(page) || page < 1) return {error: 'page: bad value'};
	if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return {error: 'limit: bad value'};
	return {page, limit};
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
	if (body === undefined) {
		res.writeHead(status, headers).end();
		return;
	}

	res.writeHead(status, {'content-type': 'application/json', ...headers}).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve) => {
		let text = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (text += chunk));
		req.on('end', () => resolve(text));
		req.on('error', () => resolve(text));
	});
}
