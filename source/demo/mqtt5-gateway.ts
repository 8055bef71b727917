// aedes 1.2 speaks MQTT 3.1 and 3.1.1 only, while the demo fleet and mqtt-top itself speak MQTT 5.
// Rather than patch aedes or the packet writer it imports (a patch that silently stops working
// once a bundler inlines its own copy of that module), every demo connection passes through this
// gateway, which uses only public APIs: aedes gets a stream (`aedes.handle(stream)`), and the
// gateway re-encodes an MQTT 5 client's packets as 3.1.1 for aedes and aedes' replies as MQTT 5
// for the client. MQTT 3.1 and 3.1.1 connections pass through byte for byte.
import type net from 'node:net';
import {Duplex} from 'node:stream';
import mqttPacket, {type Packet} from 'mqtt-packet';

// MQTT 3.1.1 CONNACK return codes → MQTT 5 reason codes (MQTT 5.0 §3.2.2.2).
const connackReasons: Record<number, number> = {0: 0x00, 1: 0x84, 2: 0x85, 3: 0x88, 4: 0x86, 5: 0x87};

type Loose = Packet & Record<string, unknown>;

/** The MQTT 5 fields aedes would choke on or ignore; dropped on the way in. */
function withoutV5Fields(packet: Loose): Loose {
	const {properties: _properties, reasonCode: _reasonCode, ...rest} = packet;
	return rest as Loose;
}

/**
 * The stream aedes reads from and writes to, standing for one client socket. It carries the
 * socket's address (aedes and the demo's log lines read them) and, once the CONNECT has been read,
 * the protocol level the client really spoke.
 */
export class GatewayConnection extends Duplex {
	readonly remoteAddress: string | undefined;
	readonly remotePort: number | undefined;
	/** 3, 4 or 5 once the client's CONNECT has arrived. */
	protocolVersion: number | undefined;

	private mode: 'undecided' | 'passthrough' | 'mqtt5' = 'undecided';
	private readonly fromClient = mqttPacket.parser();
	/** aedes writes 3.1.1; parsed back into packets only for MQTT 5 clients. */
	private readonly fromBroker = mqttPacket.parser({protocolVersion: 4});
	/** Raw bytes held until the CONNECT says which way this connection goes. */
	private held: Buffer[] = [];
	/** Filters per UNSUBSCRIBE, by packet ID: an MQTT 5 UNSUBACK carries one reason code each, 3.1.1's none. */
	private readonly unsubscribes = new Map<number, number>();

	constructor(private readonly socket: net.Socket) {
		super();
		this.remoteAddress = socket.remoteAddress;
		this.remotePort = socket.remotePort;
		this.fromClient.on('packet', (packet) => this.clientPacket(packet as Loose));
		this.fromClient.on('error', (error: Error) => this.clientParseError(error));
		this.fromBroker.on('packet', (packet) => this.toClient(packet as Loose));
		this.fromBroker.on('error', (error: Error) => this.destroy(error));
		socket.on('data', (chunk: Buffer) => this.fromSocket(chunk));
		socket.on('end', () => this.push(null));
		socket.on('error', (error) => this.destroy(error));
		socket.on('close', () => this.destroy());
	}

	override _read(): void {
		this.socket.resume();
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
		if (this.mode === 'mqtt5') {
			this.fromBroker.parse(chunk);
			done();
		} else if (this.socket.write(chunk)) {
			done();
		} else {
			// Hold aedes back until the socket drains, as it would be held writing to the socket itself.
			this.socket.once('drain', () => done());
		}
	}

	override _final(done: (error?: Error | null) => void): void {
		this.socket.end();
		done();
	}

	override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
		this.socket.destroy();
		done(error);
	}

	private fromSocket(chunk: Buffer): void {
		if (this.mode === 'passthrough') {
			this.forward(chunk);
			return;
		}

		if (this.mode === 'undecided') this.held.push(chunk);
		this.fromClient.parse(chunk);
		// Parsing may have decided the mode (TypeScript cannot see the handlers change it).
		if ((this.mode as GatewayConnection['mode']) === 'passthrough') this.release();
	}

	private forward(bytes: Buffer): void {
		if (!this.push(bytes)) this.socket.pause();
	}

	/** Hands aedes everything held so far, unchanged, and steps aside. */
	private release(): void {
		const held = Buffer.concat(this.held);
		this.held = [];
		if (held.length > 0) this.forward(held);
	}

	private clientParseError(error: Error): void {
		if (this.mode === 'undecided') {
			// Not ours to judge: aedes reads the bytes and refuses them the way it refuses any client.
			this.mode = 'passthrough';
			this.release();
		} else if (this.mode === 'mqtt5') {
			this.destroy(error);
		}
	}

	private clientPacket(packet: Loose): void {
		if (this.mode === 'undecided') {
			const version = packet.cmd === 'connect' ? (packet.protocolVersion as number | undefined) : undefined;
			this.protocolVersion = version;
			if (version !== 5) {
				this.mode = 'passthrough';
				return;
			}

			this.mode = 'mqtt5';
			this.held = [];
		}

		if (this.mode !== 'mqtt5') return;
		const translated = this.toBroker(packet);
		if (translated === undefined) {
			this.destroy(new Error(`MQTT 5 ${packet.cmd} is not supported by the embedded broker`));
			return;
		}

		this.forward(mqttPacket.generate(translated, {protocolVersion: 4}));
	}

	/** An MQTT 5 client's packet, as a 3.1.1 client would have sent it. */
	private toBroker(packet: Loose): Packet | undefined {
		const plain = withoutV5Fields(packet);
		switch (packet.cmd) {
			case 'connect': {
				// A copy: the parser keeps the CONNECT it returned as its own settings, so changing its
				// version would make it read the rest of this client's packets as 3.1.1.
				const will = plain.will as Loose | undefined;
				return {...plain, protocolId: 'MQTT', protocolVersion: 4, will: will && withoutV5Fields(will)} as Packet;
			}

			case 'subscribe': {
				const subscriptions = (plain.subscriptions as Array<{topic: string; qos: number}>).map(({topic, qos}) => ({topic, qos}));
				return {...plain, subscriptions} as Packet;
			}

			case 'unsubscribe': {
				const filters = plain.unsubscriptions as string[];
				this.unsubscribes.set(plain.messageId ?? 0, filters.length);
				return plain;
			}

			case 'auth':
				return undefined;
			default:
				return plain;
		}
	}

	/** aedes' 3.1.1 reply, re-encoded for the MQTT 5 client. */
	private toClient(packet: Loose): void {
		let out: Loose = packet;
		if (packet.cmd === 'connack') {
			const {returnCode, ...rest} = packet;
			out = {...rest, reasonCode: connackReasons[(returnCode as number | undefined) ?? 0] ?? 0x80} as Loose;
		} else if (packet.cmd === 'unsuback') {
			const id = packet.messageId ?? 0;
			const count = this.unsubscribes.get(id) ?? 1;
			this.unsubscribes.delete(id);
			out = {...packet, granted: Array.from({length: count}, () => 0)} as Loose;
		}

		this.socket.write(mqttPacket.generate(out, {protocolVersion: 5}));
	}
}
