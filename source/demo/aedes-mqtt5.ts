// aedes 1.2 refuses MQTT 5 CONNECTs ("unacceptable protocol version") and writes every packet in
// 3.1.1 framing. The demo fleet has MQTT 5 devices and mqtt-top itself connects with MQTT 5 by
// default, so this shim lets MQTT 5 clients in: their packets are already parsed as MQTT 5 by
// mqtt-packet (it learns the version from CONNECT); what is missing is getting past aedes' version
// check and writing the replies in MQTT 5 framing. Only the demo's broker uses it.
import {createRequire} from 'node:module';

type Packet = {cmd?: string; returnCode?: number; reasonCode?: number; granted?: number[]; messageId?: number};
type WriteOptions = {protocolVersion: number};
type Writer = ((packet: Packet, stream: {client?: object}, opts?: WriteOptions) => boolean) & {cacheNumbers?: boolean};
type ConnectPacket = {protocolVersion?: number};

type State = {connect: ConnectPacket; unsubscribes: Map<number, number>};

/** aedes clients that spoke MQTT 5 in their CONNECT. */
const clients = new WeakMap<object, State>();

// MQTT 3.1.1 CONNACK return codes → MQTT 5 reason codes.
const connackReasons: Record<number, number> = {0: 0x00, 1: 0x84, 2: 0x85, 3: 0x88, 4: 0x86, 5: 0x87, 6: 0x9f};

let installed = false;

/** Wraps mqtt-packet's writer (the very instance aedes imports) once per process. */
function install(): void {
	if (installed) return;
	installed = true;
	// Resolve mqtt-packet from aedes' own location so we patch the module aedes writes with.
	const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
	const mqttPacket = fromAedes('mqtt-packet') as {writeToStream: Writer};
	const original = mqttPacket.writeToStream;
	const patched: Writer = (packet, stream, opts) => {
		const state = opts === undefined && stream?.client ? clients.get(stream.client) : undefined;
		if (!state) return original(packet, stream, opts);
		let out = packet;
		if (packet.cmd === 'connack' && packet.reasonCode === undefined) {
			out = {...packet, reasonCode: connackReasons[packet.returnCode ?? 0] ?? 0x80};
		} else if (packet.cmd === 'unsuback' && packet.granted === undefined) {
			// MQTT 5 UNSUBACK carries one reason code per filter; aedes sends none.
			const count = state.unsubscribes.get(packet.messageId ?? -1) ?? 1;
			state.unsubscribes.delete(packet.messageId ?? -1);
			out = {...packet, granted: Array.from({length: count}, () => 0)};
		}

		return original(out, stream, {protocolVersion: 5});
	};

	// mqtt.js toggles this flag on the writer it imported; keep it pointing at the real one.
	Object.defineProperty(patched, 'cacheNumbers', {
		get: () => original.cacheNumbers,
		set: (value: boolean) => {
			original.cacheNumbers = value;
		},
	});
	mqttPacket.writeToStream = patched;
}

/**
 * Call from aedes' preConnect: lets an MQTT 5 CONNECT past aedes' version check. The packet is
 * also the parser's settings, so `restoreMqtt5` must put the version back before more packets
 * are parsed.
 */
export function acceptMqtt5(client: object, packet: ConnectPacket): void {
	install();
	if (packet.protocolVersion !== 5) return;
	const state: State = {connect: packet, unsubscribes: new Map()};
	clients.set(client, state);
	packet.protocolVersion = 4;
	// The parser (an aedes internal) tells us how many filters each UNSUBSCRIBE had.
	const parser = (
		client as {_parser?: {on(event: 'packet', listener: (p: {cmd: string; messageId?: number; unsubscriptions?: string[]}) => void): void}}
	)._parser;
	parser?.on('packet', (p) => {
		if (p.cmd === 'unsubscribe' && p.messageId !== undefined) state.unsubscribes.set(p.messageId, p.unsubscriptions?.length ?? 1);
	});
}

/** Call from aedes' authenticate, which runs right after the version check. */
export function restoreMqtt5(client: object): void {
	const state = clients.get(client);
	if (state) state.connect.protocolVersion = 5;
}

export function isMqtt5(client: object): boolean {
	return clients.has(client);
}
