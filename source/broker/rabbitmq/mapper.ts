// Pure translation from the management API's JSON to the store's SessionSnapshot. Everything here
// is untrusted broker data: fields are checked for type, never assumed.
import type {Protocol} from '../../model/types.js';
import type {SessionSnapshot} from '../driver.js';

/** The fields of `GET /api/connections` items mqtt-top reads. */
export type ApiConnection = {
	name?: unknown;
	protocol?: unknown;
	user?: unknown;
	vhost?: unknown;
	peer_host?: unknown;
	peer_port?: unknown;
	node?: unknown;
	connected_at?: unknown;
	client_properties?: {client_id?: unknown} | null;
};

/** The fields of `GET /api/queues` items mqtt-top asks for (the `columns` it names). */
export type ApiQueue = {name?: unknown; vhost?: unknown; messages?: unknown; durable?: unknown; auto_delete?: unknown};

export type ApiBinding = {source?: unknown; vhost?: unknown; destination?: unknown; destination_type?: unknown; routing_key?: unknown};

/** An MQTT connection as the driver keeps it: what kick needs beside the snapshot. */
export type MqttConnection = {name: string; clientId: string; user?: string; vhost: string; node?: string; snapshot: SessionSnapshot};

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** `MQTT 3.1.1` → '3.1.1'; undefined for AMQP, STOMP and anything else. */
export function mqttProtocol(protocol: unknown): Protocol | undefined {
	const text = str(protocol);
	if (!text?.startsWith('MQTT')) return undefined;
	const version = text.slice(4).trim();
	if (version === '3.1' || version === '3.1.1') return version;
	if (version === '5' || version === '5.0') return '5.0';
	// An MQTT version this code has not met: still an MQTT session, its version unknown.
	return undefined;
}

export function isMqtt(connection: ApiConnection): boolean {
	return str(connection.protocol)?.startsWith('MQTT') === true;
}

/**
 * The MQTT plugin turns a topic filter into a topic exchange's routing key (`/` → `.`, `+` → `*`;
 * `#` stays). The way back cannot tell a `.` that was inside a topic level from a level separator:
 * `x.y/z` and `x/y/z` both become `x.y.z`, and are shown as `x/y/z`.
 */
export function routingKeyToFilter(key: string): string {
	return key
		.split('.')
		.map((word) => (word === '*' ? '+' : word))
		.join('/');
}

const queuePrefix = 'mqtt-subscription-';

/** `mqtt-subscription-<client id>qos<0|1>` → the client ID and QoS; undefined for other queues. */
export function parseSubscriptionQueue(name: string): {clientId: string; qos: number} | undefined {
	if (!name.startsWith(queuePrefix)) return undefined;
	// The client ID may hold anything (even `qos1`), so the suffix is taken from the right.
	const match = /qos([0-2])$/.exec(name);
	if (!match || match.index < queuePrefix.length) return undefined;
	return {clientId: name.slice(queuePrefix.length, match.index), qos: Number(match[1])};
}

/** What a client's subscription queues say about its session. */
export type QueuedSession = {
	vhost: string;
	clientId: string;
	subscriptions: Map<string, number>;
	queued: number;
	/**
	 * From the QoS 1 queue, the only one that tells: durable and kept for a clean-session-false
	 * session, auto-deleted for a clean one. (3.10 makes a persistent session's QoS 0 queue
	 * auto-deleted too.) Undefined without a QoS 1 subscription.
	 */
	cleanSession?: boolean;
	/** Whether any of its queues was listed with a message count. */
	counted: boolean;
};

const key = (vhost: string, clientId: string) => `${vhost}\u0000${clientId}`;

/** Client sessions by vhost and client ID, from the subscription queues and their bindings. */
export class SubscriptionIndex {
	private readonly sessions = new Map<string, QueuedSession>();
	/** Queue (vhost + name) → the session and QoS it serves. */
	private readonly queues = new Map<string, {session: QueuedSession; qos: number}>();

	addQueue(queue: ApiQueue): void {
		const name = str(queue.name);
		const vhost = str(queue.vhost);
		if (name === undefined || vhost === undefined) return;
		const parsed = parseSubscriptionQueue(name);
		if (!parsed) return;
		let session = this.sessions.get(key(vhost, parsed.clientId));
		if (!session) {
			session = {vhost, clientId: parsed.clientId, subscriptions: new Map(), queued: 0, counted: false};
			this.sessions.set(key(vhost, parsed.clientId), session);
		}

		const messages = num(queue.messages);
		if (messages !== undefined) {
			session.queued += messages;
			session.counted = true;
		}

		if (parsed.qos === 1) session.cleanSession = !(queue.durable === true && queue.auto_delete !== true);
		this.queues.set(key(vhost, name), {session, qos: parsed.qos});
	}

	addBinding(binding: ApiBinding): void {
		const vhost = str(binding.vhost);
		const destination = str(binding.destination);
		const routingKey = str(binding.routing_key);
		if (vhost === undefined || destination === undefined || routingKey === undefined) return;
		if (binding.destination_type !== 'queue') return;
		const queue = this.queues.get(key(vhost, destination));
		if (!queue) return;
		const filter = routingKeyToFilter(routingKey);
		// A filter bound to both of a client's queues was subscribed last with the higher QoS.
		const before = queue.session.subscriptions.get(filter);
		if (before === undefined || queue.qos > before) queue.session.subscriptions.set(filter, queue.qos);
	}

	get(vhost: string, clientId: string): QueuedSession | undefined {
		return this.sessions.get(key(vhost, clientId));
	}

	all(): IterableIterator<QueuedSession> {
		return this.sessions.values();
	}

	/** Vhosts that hold subscription queues (whose bindings are worth reading). */
	vhosts(): Set<string> {
		const out = new Set<string>();
		for (const session of this.sessions.values()) out.add(session.vhost);
		return out;
	}
}

/** An MQTT connection listed by the API → the driver's record of it; undefined for other protocols and malformed items. */
export function toMqttConnection(item: ApiConnection, subscriptions?: SubscriptionIndex): MqttConnection | undefined {
	if (!isMqtt(item)) return undefined;
	const name = str(item.name);
	const clientId = str(item.client_properties?.client_id);
	if (name === undefined || clientId === undefined) return undefined;
	const vhost = str(item.vhost) ?? '/';
	const user = str(item.user);
	const snapshot: SessionSnapshot = {clientId, online: true};
	if (user !== undefined) snapshot.username = user;
	const address = str(item.peer_host);
	if (address !== undefined) snapshot.address = address;
	const port = num(item.peer_port);
	if (port !== undefined) snapshot.port = port;
	const protocol = mqttProtocol(item.protocol);
	if (protocol !== undefined) snapshot.protocol = protocol;
	const connectedAt = num(item.connected_at);
	if (connectedAt !== undefined) snapshot.connectedAt = connectedAt;
	if (subscriptions) {
		const queued = subscriptions.get(vhost, clientId);
		snapshot.subscriptions = queued?.subscriptions ?? new Map();
		if (queued?.counted) snapshot.queued = queued.queued;
		if (queued?.cleanSession !== undefined) snapshot.cleanSession = queued.cleanSession;
	}

	return {name, clientId, user, vhost, node: str(item.node), snapshot};
}

/**
 * Persistent sessions whose client is not connected: RabbitMQ keeps their durable queues (and
 * the messages for them) until the queue expires.
 */
export function offlineSnapshots(index: SubscriptionIndex, online: ReadonlySet<string>): SessionSnapshot[] {
	const out: SessionSnapshot[] = [];
	for (const session of index.all()) {
		if (session.cleanSession !== false || online.has(session.clientId)) continue;
		const snapshot: SessionSnapshot = {
			clientId: session.clientId,
			online: false,
			cleanSession: false,
			subscriptions: session.subscriptions,
		};
		if (session.counted) snapshot.queued = session.queued;
		out.push(snapshot);
	}

	return out;
}
