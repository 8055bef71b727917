// Synthetic Mosquitto 2.0 log traffic in the exact formats of the captures in
// test/fixtures/mosquitto-2.0.11/ (topic stream and file log), so the parser takes the same
// paths it takes on a real broker. Deterministic (seeded), so every run parses the same lines.
import {logTopics} from '../../source/demo/aedes-log.js';

export {logTopics};

/** One `$SYS/broker/log/...` message: the topic says which stream, the payload is `<seconds>: <message>`. */
export type LogLine = {topic: string; payload: string};

/** mulberry32: small, fast and good enough to pick line kinds. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Client = {
	id: string;
	username?: string;
	address: string;
	port: number;
	protocol: '1' | '2' | '5';
	clean: boolean;
	keepAlive: number;
	filters: string[];
	site: number;
};

export type SimulatorOptions = {
	/** Sessions the simulated broker keeps connected in steady state. */
	population: number;
	seed?: number;
	/** Log time in seconds for the next line (default: advances one second every 1,000 lines). */
	clock?: () => number;
	/** Subscriptions each new client makes (default 1–3, at random). */
	subscriptions?: number;
	/** Client-ID prefix, so several simulators (or a simulator and a real fleet) never collide. */
	prefix?: string;
};

const kinds = ['sensor', 'sensor', 'sensor', 'sensor', 'sensor', 'gw', 'gw', 'gw', 'cam', 'cam'] as const;

// Relative weights of what happens next on a broker at steady state. Connects and the sum of
// everything that ends a session balance, so the population stays near its target.
const actionWeights: Array<[action: Action, weight: number]> = [
	['connect', 30],
	['disconnect', 27],
	['takeover', 4],
	['authFailure', 4],
	['subscribe', 20],
	['unsubscribe', 10],
	['dynsec', 1],
	['unknown', 4],
];
type Action = 'connect' | 'disconnect' | 'takeover' | 'authFailure' | 'subscribe' | 'unsubscribe' | 'dynsec' | 'unknown';
const totalWeight = actionWeights.reduce((sum, [, w]) => sum + w, 0);

// How sessions end, by frequency on a real fleet: most say goodbye or just drop.
const disconnectPhrases: Array<[phrase: string, weight: number]> = [
	['disconnected.', 40],
	['closed its connection.', 25],
	['has exceeded timeout, disconnecting.', 12],
	['disconnected due to protocol error.', 5],
	['disconnected due to malformed packet.', 2],
	['been disconnected by administrative action.', 4],
	['disconnected: Connection reset by peer.', 8],
	['disconnected, not authorised.', 4],
];
const disconnectWeight = disconnectPhrases.reduce((sum, [, w]) => sum + w, 0);

// Lines the parser does not model but a `log_type notice/information` broker does publish.
const otherLines = [
	'Saving in-memory database to /var/lib/mosquitto/mosquitto.db.',
	'Warning: Unable to set socket options.',
	'Outgoing messages are being dropped for client monitor-x.',
];

/**
 * A simulated broker that emits log lines: clients connect (and subscribe), act, and leave in
 * every way Mosquitto logs. Client IDs sometimes contain spaces, as real ones do, so the parser's
 * right-to-left and known-ID paths are exercised.
 */
export class BrokerSimulator {
	private readonly random: () => number;
	private readonly live: Client[] = [];
	private readonly liveIndex = new Map<string, number>();
	private serial = 0;
	private lines = 0;
	private readonly clock: () => number;
	private readonly prefix: string;

	constructor(private readonly options: SimulatorOptions) {
		this.random = prng(options.seed ?? 1);
		const start = 1_795_313_850;
		this.clock = options.clock ?? (() => start + Math.floor(this.lines / 1000));
		this.prefix = options.prefix ?? '';
	}

	get size(): number {
		return this.live.length;
	}

	private line(topic: string, message: string, out: LogLine[]): void {
		out.push({topic, payload: `${this.clock()}: ${message}`});
		this.lines++;
	}

	private pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.random() * items.length)];
	}

	private newClient(): Client {
		const n = this.serial++;
		const site = n % 20;
		const kind = kinds[n % kinds.length];
		const serial = String(n).padStart(6, '0');
		// One in twenty IDs has spaces, like the fixture's "kitchen sensor 7".
		const id =
			n % 20 === 7 ? `${this.prefix}${kind} site ${site} ${serial}` : `${this.prefix}${kind}-${String(site).padStart(2, '0')}-${serial}`;
		const r = this.random();
		return {
			id,
			username: n % 20 === 19 ? undefined : `${kind}-${String(site).padStart(2, '0')}`,
			address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
			port: 1024 + Math.floor(this.random() * 64_000),
			protocol: r < 0.02 ? '1' : r < 0.7 ? '2' : '5',
			clean: this.random() < 0.8,
			keepAlive: this.pick([15, 30, 60, 60, 60, 120]),
			filters: [],
			site,
		};
	}

	private filterFor(client: Client, i: number): string {
		switch (i % 3) {
			case 0:
				return `devices/${client.id}/cmd/#`;
			case 1:
				return `site/${client.site}/+/alerts`;
			default:
				return `firmware/${client.username ?? 'anonymous'}/latest`;
		}
	}

	private connectLines(client: Client, out: LogLine[]): void {
		this.line(logTopics.notice, `New connection from ${client.address}:${client.port} on port 1883.`, out);
		const user = client.username === undefined ? '' : `, u'${client.username}'`;
		this.line(
			logTopics.notice,
			`New client connected from ${client.address}:${client.port} as ${client.id} (p${client.protocol}, c${client.clean ? 1 : 0}, k${client.keepAlive}${user}).`,
			out,
		);
	}

	private subscribeLine(client: Client, filter: string, out: LogLine[]): void {
		// One refused subscription in a hundred (ACL denial: granted QoS 128).
		const qos = this.random() < 0.01 ? 128 : Math.floor(this.random() * 3);
		if (qos < 128 && !client.filters.includes(filter)) client.filters.push(filter);
		this.line(logTopics.subscribe, `${client.id} ${qos} ${filter}`, out);
	}

	/** A new client connects and subscribes: the lines a storm is made of. */
	connectNew(out: LogLine[], subscriptions = this.options.subscriptions): void {
		const client = this.newClient();
		this.connectLines(client, out);
		this.liveIndex.set(client.id, this.live.length);
		this.live.push(client);
		const count = subscriptions ?? 1 + Math.floor(this.random() * 3);
		for (let i = 0; i < count; i++) {
			const filter = this.filterFor(client, i);
			// The filler subscribes exactly `count` times with nothing refused, so sizes are exact.
			if (subscriptions !== undefined) {
				client.filters.push(filter);
				this.line(logTopics.subscribe, `${client.id} ${Math.floor(this.random() * 3)} ${filter}`, out);
			} else {
				this.subscribeLine(client, filter, out);
			}
		}
	}

	private removeAt(index: number): Client {
		const client = this.live[index];
		const last = this.live.pop()!;
		if (last !== client) {
			this.live[index] = last;
			this.liveIndex.set(last.id, index);
		}

		this.liveIndex.delete(client.id);
		return client;
	}

	private disconnectOne(out: LogLine[]): void {
		const client = this.removeAt(Math.floor(this.random() * this.live.length));
		let r = this.random() * disconnectWeight;
		let phrase = disconnectPhrases[0][0];
		for (const [text, weight] of disconnectPhrases) {
			r -= weight;
			if (r < 0) {
				phrase = text;
				break;
			}
		}

		this.line(logTopics.notice, `Client ${client.id} ${phrase}`, out);
	}

	/** The next broker event at steady state: one to four lines. */
	step(out: LogLine[]): void {
		const {population} = this.options;
		let action = this.chooseAction();
		// Steer back towards the target population.
		if (this.live.length < population * 0.98 && action === 'disconnect') action = 'connect';
		if (this.live.length > population * 1.02 && action === 'connect') action = 'disconnect';
		if (this.live.length === 0 && action !== 'authFailure' && action !== 'dynsec' && action !== 'unknown') action = 'connect';

		switch (action) {
			case 'connect':
				this.connectNew(out);
				break;
			case 'disconnect':
				this.disconnectOne(out);
				break;
			case 'takeover': {
				// The same client ID connects again: Mosquitto logs the new connection, then closes the old one.
				const client = this.pick(this.live);
				client.port = 1024 + Math.floor(this.random() * 64_000);
				this.line(logTopics.notice, `New connection from ${client.address}:${client.port} on port 1883.`, out);
				this.line(logTopics.error, `Client ${client.id} already connected, closing old connection.`, out);
				const user = client.username === undefined ? '' : `, u'${client.username}'`;
				this.line(
					logTopics.notice,
					`New client connected from ${client.address}:${client.port} as ${client.id} (p${client.protocol}, c${client.clean ? 1 : 0}, k${client.keepAlive}${user}).`,
					out,
				);
				break;
			}

			case 'authFailure':
				this.line(
					logTopics.notice,
					`New connection from 192.0.2.${Math.floor(this.random() * 250)}:${1024 + Math.floor(this.random() * 64_000)} on port 1883.`,
					out,
				);
				this.line(logTopics.notice, 'Client <unknown> disconnected, not authorised.', out);
				break;
			case 'subscribe': {
				const client = this.pick(this.live);
				this.subscribeLine(client, this.filterFor(client, Math.floor(this.random() * 3)), out);
				break;
			}

			case 'unsubscribe': {
				const client = this.pick(this.live);
				const filter = client.filters.pop() ?? this.filterFor(client, 0);
				this.line(logTopics.unsubscribe, `${client.id} ${filter}`, out);
				break;
			}

			case 'dynsec':
				this.line(
					logTopics.information,
					`dynsec: ops-console/admin | ${this.pick(['modifyClient', 'getClient', 'listClients'])} | username=${this.pick(this.live)?.username ?? 'alice'}`,
					out,
				);
				break;
			case 'unknown':
				this.line(logTopics.notice, this.pick(otherLines), out);
				break;
		}
	}

	private chooseAction(): Action {
		let r = this.random() * totalWeight;
		for (const [action, weight] of actionWeights) {
			r -= weight;
			if (r < 0) return action;
		}

		return 'connect';
	}

	/** At least `count` lines of steady-state traffic (a step may emit a few lines at once). */
	take(count: number, out: LogLine[] = []): LogLine[] {
		const target = out.length + count;
		while (out.length < target) this.step(out);
		out.length = target;
		return out;
	}
}

/**
 * `total` lines: first filling a broker with `sessions` connected clients (1–3 subscriptions
 * each), then steady-state traffic: the realistic mix the ingest and replay figures parse.
 */
export function recordedLog(sessions: number, total: number, seed = 1): LogLine[] {
	const simulator = new BrokerSimulator({population: sessions, seed});
	const out: LogLine[] = [];
	while (simulator.size < sessions && out.length < total) simulator.connectNew(out);
	return simulator.take(Math.max(0, total - out.length), out);
}

/** The file log's form of a topic line: `<seconds>: <message>`, as `log_timestamp true` writes it. */
export function fileLine(line: LogLine): string {
	return line.payload;
}
