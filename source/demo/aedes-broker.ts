// The embedded broker for machines without Mosquitto: aedes, made to speak Mosquitto's dialect
// (log lines on $SYS/broker/log/#, $SYS counters, the dynamic-security control API) so the demo
// monitor uses the same Mosquitto adapter a real broker needs.
import net from 'node:net';
import {Aedes, type Client} from 'aedes';
import {controlTopic, responseTopic} from '../broker/mosquitto/dynsec.js';
import type {DemoAccount} from './accounts.js';
import {AccountBook, DynsecEmulation} from './aedes-dynsec.js';
import {
	connectLine,
	disconnectLine,
	dynsecLine,
	logPayload,
	newConnectionLine,
	notAuthorisedLine,
	subscribeLine,
	takeoverLine,
	unsubscribeLine,
	type DisconnectCause,
	type LogDialect,
	type LogLine,
} from './aedes-log.js';
import {GatewayConnection} from './mqtt5-gateway.js';
import {startSysTopics} from './aedes-sys.js';
import type {DemoBroker} from './types.js';

type ClientInfo = {address: string; port: number; protocolVersion: number; keepalive: number; username?: string};

/** The parts of aedes' instance its type declarations leave out. */
type AedesInternals = {
	clients: Record<string, Client>;
	registerClient(client: Client): void;
	version: string;
};

const noop = () => {};

/** Socket errors that mean "the peer went away", which Mosquitto reports as a closed connection. */
const peerGone = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function causeOfError(error: Error & {code?: unknown}): DisconnectCause {
	if (error.message === 'keep alive timeout') return 'timeout';
	if (typeof error.code === 'string') return peerGone.has(error.code) ? 'closed' : {error: error.message};
	// Errors without a code come from the packet parser or aedes' protocol checks.
	return 'protocol';
}

export async function startAedesBroker(accounts: DemoAccount[], dialect: LogDialect = '2.0'): Promise<DemoBroker> {
	const book = new AccountBook(accounts);
	const info = new WeakMap<Client, ClientInfo>();
	const causes = new WeakMap<Client, DisconnectCause>();
	/** Connections whose end must not be logged again: taken over, or already logged as kicked. */
	const quiet = new WeakSet<Client>();
	/** Client IDs of persistent sessions (clean = false), connected or not. */
	const persistent = new Set<string>();
	const sockets = new Set<net.Socket>();

	const broker: Aedes = await Aedes.createBroker({
		preConnect(client, packet, done) {
			const conn = client.conn as GatewayConnection;
			info.set(client, {
				address: conn.remoteAddress ?? 'unknown',
				port: conn.remotePort ?? 0,
				// aedes sees 3.1.1 from an MQTT 5 client; the gateway knows what the client spoke.
				protocolVersion: conn.protocolVersion ?? packet.protocolVersion ?? 4,
				keepalive: packet.keepalive ?? 0,
			});
			done(null, true);
		},
		authenticate(client, username, password, done) {
			if (!book.authenticate(username, password)) {
				log(notAuthorisedLine(dialect, client.id, info.get(client)));
				done(Object.assign(new Error('not authorised'), {returnCode: 5}), false);
				return;
			}

			const known = info.get(client);
			if (known) known.username = username;
			done(null, true);
		},
		authorizePublish(client, packet, done) {
			// Refusing here would disconnect the client; commands from non-admins to $CONTROL are
			// instead ignored by the control handler below, as Mosquitto drops them.
			if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are the broker’s own'));
			done(null);
		},
		authorizeSubscribe(client, subscription, done) {
			// As with Mosquitto's dynsec default roles: only admins may listen to the control API.
			if (subscription.topic.startsWith('$CONTROL/') && !book.isAdmin(info.get(client)?.username)) return done(null, null);
			done(null, subscription);
		},
	});
	const internals = broker as unknown as AedesInternals;

	function publish(topic: string, payload: string, retain = false): void {
		broker.publish({cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain, dup: false}, noop);
	}

	function log(line: LogLine): void {
		publish(line.topic, logPayload(line.message));
	}

	// Mosquitto logs a takeover for the new connection and nothing for the old one it closes.
	const register = internals.registerClient.bind(broker);
	internals.registerClient = (client: Client) => {
		const old = internals.clients[client.id];
		if (old && !old.closed) {
			quiet.add(old);
			log(takeoverLine(client.id, dialect, info.get(old)));
		}

		register(client);
	};

	broker.on('client', (client) => {
		const c = info.get(client);
		if (!c) return;
		if (client.clean) persistent.delete(client.id);
		else persistent.add(client.id);
		log(connectLine({...c, clientId: client.id, clean: client.clean}, dialect));
	});

	broker.on('keepaliveTimeout', (client) => causes.set(client, 'timeout'));
	broker.on('clientError', (client, error) => {
		if (!causes.has(client)) causes.set(client, causeOfError(error));
	});
	broker.on('clientDisconnect', (client) => {
		if (quiet.has(client)) return;
		// aedes sets _disconnected only when the client sent DISCONNECT.
		const sentDisconnect = (client as Client & {_disconnected?: boolean})._disconnected === true;
		log(disconnectLine(client.id, causes.get(client) ?? (sentDisconnect ? 'client' : 'closed'), dialect, info.get(client)));
	});

	broker.on('subscribe', (subscriptions, client) => {
		for (const s of subscriptions) log(subscribeLine(client.id, s.qos, s.topic));
	});
	broker.on('unsubscribe', (filters, client) => {
		// aedes also reports the subscriptions it drops when a connection closes; Mosquitto does not.
		if (client.closed) return;
		for (const filter of filters) log(unsubscribeLine(client.id, filter));
	});

	const dynsec = new DynsecEmulation(book, {
		kick(username) {
			for (const client of Object.values(internals.clients)) {
				if (client.closed || info.get(client)?.username !== username) continue;
				log(disconnectLine(client.id, 'administrative', dialect, info.get(client)));
				quiet.add(client);
				client.close();
			}
		},
		audit(actor, command, args) {
			log(dynsecLine(actor.clientId, actor.username, command, args));
		},
	});
	broker.subscribe(
		controlTopic,
		(packet, done) => {
			// aedes stamps each published packet with its sender's client ID.
			const from = (packet as {clientId?: string}).clientId;
			const sender = from === undefined ? undefined : internals.clients[from];
			const username = sender && info.get(sender)?.username;
			if (sender && username !== undefined && book.isAdmin(username)) {
				const response = dynsec.handle(packet.payload, {clientId: sender.id, username});
				if (response) publish(responseTopic, response);
			}

			done();
		},
		noop,
	);

	const sys = startSysTopics(
		{
			connected: () => broker.connectedClients,
			disconnected: () => {
				let offline = 0;
				for (const id of persistent) if (!internals.clients[id]) offline++;
				return offline;
			},
		},
		`aedes ${internals.version} (mqtt-top demo)`,
		(topic, payload) => publish(topic, payload, true),
	);

	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		log(newConnectionLine(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0, port));
		broker.handle(new GatewayConnection(socket));
	});
	const port = await new Promise<number>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
	}).catch(async (error: unknown) => {
		sys.stop();
		await new Promise((r) => broker.close(() => r(undefined)));
		throw error;
	});

	return {
		flavour: 'aedes',
		label: `demo: embedded aedes ${internals.version}${dialect === '2.0' ? '' : ', Mosquitto 2.1 log'}`,
		host: '127.0.0.1',
		port,
		async stop() {
			sys.stop();
			const closed = new Promise((r) => server.close(() => r(undefined)));
			for (const socket of sockets) socket.destroy();
			await new Promise((r) => broker.close(() => r(undefined)));
			await closed;
		},
	};
}
