// The gateway between MQTT 5 clients and aedes (which speaks 3.1/3.1.1), with real mqtt.js
// clients over real sockets. A missing translation shows up as a protocol error in mqtt.js.
import net from 'node:net';
import {Aedes} from 'aedes';
import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {GatewayConnection} from '../../source/demo/mqtt5-gateway.js';

describe('the MQTT 5 gateway in front of aedes', () => {
	let broker: Aedes;
	let server: net.Server;
	let port: number;
	const connections: GatewayConnection[] = [];
	const clients: MqttClient[] = [];

	async function client(options: IClientOptions): Promise<MqttClient> {
		const c = await mqtt.connectAsync({host: '127.0.0.1', port, reconnectPeriod: 0, ...options});
		clients.push(c);
		return c;
	}

	beforeAll(async () => {
		broker = await Aedes.createBroker({
			authenticate: (_client, username, _password, done) => {
				if (username === 'intruder') done(Object.assign(new Error('not authorised'), {returnCode: 5}), false);
				else done(null, true);
			},
		});
		server = net.createServer((socket) => {
			const connection = new GatewayConnection(socket);
			connections.push(connection);
			broker.handle(connection);
		});
		port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
	});

	afterAll(async () => {
		for (const c of clients) c.end(true);
		await new Promise((r) => broker.close(() => r(undefined)));
		await new Promise((r) => server.close(() => r(undefined)));
	});

	test('an MQTT 5 client subscribes with MQTT 5 options, receives, and gets one reason code per unsubscribed filter', async () => {
		const c = await client({
			clientId: 'v5-device',
			protocolVersion: 5,
			properties: {sessionExpiryInterval: 60, userProperties: {site: 'lab'}},
		});
		const granted = await c.subscribeAsync({'lab/+/temp': {qos: 1, nl: true, rap: true}, 'lab/#': {qos: 0}});
		expect(granted.map((g) => g.qos).sort()).toEqual([0, 1]);

		const received = new Promise<string>((resolve) => c.once('message', (_topic, payload) => resolve(payload.toString())));
		const sender = await client({clientId: 'v311-sender', protocolVersion: 4});
		await sender.publishAsync('lab/kitchen/temp', '21.5', {qos: 1});
		expect(await received).toBe('21.5');

		// mqtt.js checks the UNSUBACK of an MQTT 5 client: a 3.1.1 UNSUBACK (no reason codes) fails it.
		const unsuback = (await c.unsubscribeAsync(['lab/+/temp', 'lab/#'])) as {cmd: string; granted?: number[]} | undefined;
		expect(unsuback).toMatchObject({cmd: 'unsuback', granted: [0, 0]});
		expect(connections.find((x) => x.protocolVersion === 5)).toBeDefined();
	});

	test('a refused MQTT 5 login gets the MQTT 5 reason code (0x87 not authorised)', async () => {
		await expect(client({clientId: 'probe', protocolVersion: 5, username: 'intruder'})).rejects.toMatchObject({code: 0x87});
	});

	test('MQTT 3.1 and 3.1.1 clients pass through untouched, and their protocol level is known', async () => {
		const before = connections.length;
		await client({clientId: 'legacy-31', protocolVersion: 3, protocolId: 'MQIsdp'});
		await client({clientId: 'plain-311', protocolVersion: 4});
		expect(connections.slice(before).map((x) => x.protocolVersion)).toEqual([3, 4]);
	});

	test('bytes that are not MQTT reach aedes, which drops the connection', async () => {
		const socket = net.connect(port, '127.0.0.1');
		const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
		socket.on('error', () => {});
		socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
		await closed;
	});
});
