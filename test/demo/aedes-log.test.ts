import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {parseLogTopicMessage} from '../../source/broker/mosquitto/log-parser.js';
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
	type LogLine,
} from '../../source/demo/aedes-log.js';
import {SessionStore} from '../../source/model/session-store.js';
import {capturesDir, topicCapture} from '../support/fixtures.js';

const now = 1795313850_000;

function parse(line: LogLine, known = new SessionStore()) {
	return parseLogTopicMessage(line.topic, logPayload(line.message, now), 0, known);
}

describe('the Mosquitto-format lines the embedded broker publishes', () => {
	test('reproduce the real Mosquitto 2.0.11 capture byte for byte', () => {
		// The same happenings as the capture, written by the demo's formatters.
		const made: LogLine[] = [
			newConnectionLine('127.0.0.1', 36848, 18830),
			connectLine({
				address: '127.0.0.1',
				port: 36848,
				clientId: 'kitchen sensor 7',
				protocolVersion: 5,
				clean: true,
				keepalive: 45,
				username: 'alice',
			}),
			subscribeLine('kitchen sensor 7', 1, 'home/kitchen/#'),
			unsubscribeLine('kitchen sensor 7', 'home/+/temp'),
			connectLine({
				address: '127.0.0.1',
				port: 36860,
				clientId: 'gw-01',
				protocolVersion: 4,
				clean: false,
				keepalive: 120,
				username: 'alice',
			}),
			takeoverLine('gw-01'),
			connectLine({
				address: '127.0.0.1',
				port: 36868,
				clientId: 'legacy-31',
				protocolVersion: 3,
				clean: true,
				keepalive: 60,
				username: 'alice',
			}),
			disconnectLine('abrupt-1', 'closed'),
			disconnectLine('garbage-1', 'protocol'),
			notAuthorisedLine(),
			disconnectLine('kitchen sensor 7', 'administrative'),
			dynsecLine('ops-console', 'admin', 'modifyClient', [['username', 'alice']]),
			disconnectLine('ops-console', 'client'),
			disconnectLine('silent-2', 'timeout'),
		];
		const captured = new Set(topicCapture().map(({topic, payload}) => `${topic} ${payload.replace(/^\d+: /, '')}`));
		for (const line of made) expect(captured).toContain(`${line.topic} ${line.message}`);
	});

	test('a connect line with spaces in the client ID parses to that ID, protocol, clean flag, keep-alive and user', () => {
		expect(
			parse(
				connectLine({
					address: '127.0.0.1',
					port: 40000,
					clientId: 'kitchen thermostat 7',
					protocolVersion: 5,
					clean: true,
					keepalive: 45,
					username: 'home',
				}),
			),
		).toEqual({
			type: 'connect',
			time: now,
			clientId: 'kitchen thermostat 7',
			address: '127.0.0.1',
			port: 40000,
			protocol: '5.0',
			cleanSession: true,
			keepAlive: 45,
			username: 'home',
		});
		const legacy = parse(
			connectLine({address: '127.0.0.1', port: 1, clientId: 'meter-01', protocolVersion: 3, clean: false, keepalive: 60}),
		);
		expect(legacy).toMatchObject({type: 'connect', protocol: '3.1', cleanSession: false});
		expect(legacy).not.toHaveProperty('username');
	});

	test('a refused login is an auth failure without a client ID', () => {
		expect(parse(notAuthorisedLine())).toEqual({type: 'auth-failure', time: now});
	});

	test('each disconnect cause maps to its kind', () => {
		const kinds = (['client', 'closed', 'timeout', 'protocol', 'administrative', {error: 'Connection timed out'}] as const).map((cause) =>
			parse(disconnectLine('flaky plug 3', cause)),
		);
		expect(kinds.map((e) => (e.type === 'disconnect' ? [e.clientId, e.kind] : e.type))).toEqual([
			['flaky plug 3', 'client'],
			['flaky plug 3', 'closed'],
			['flaky plug 3', 'timeout'],
			['flaky plug 3', 'protocol'],
			['flaky plug 3', 'administrative'],
			['flaky plug 3', 'error'],
		]);
	});

	test('takeover, subscribe and unsubscribe lines keep IDs and filters with spaces apart', () => {
		const store = new SessionStore();
		store.apply(
			parse(connectLine({address: '127.0.0.1', port: 1, clientId: 'kitchen thermostat 7', protocolVersion: 4, clean: true, keepalive: 45})),
		);
		expect(parse(takeoverLine('kitchen thermostat 7'))).toEqual({type: 'takeover', time: now, clientId: 'kitchen thermostat 7'});
		expect(parse(subscribeLine('kitchen thermostat 7', 2, 'cmd/kitchen thermostat 7/set'), store)).toEqual({
			type: 'subscribe',
			time: now,
			clientId: 'kitchen thermostat 7',
			qos: 2,
			topic: 'cmd/kitchen thermostat 7/set',
		});
		expect(parse(subscribeLine('panel-01', 128, '$CONTROL/#'))).toMatchObject({type: 'subscribe', clientId: 'panel-01', qos: 128});
		expect(parse(unsubscribeLine('kitchen thermostat 7', 'home/+/humidity'), store)).toEqual({
			type: 'unsubscribe',
			time: now,
			clientId: 'kitchen thermostat 7',
			topic: 'home/+/humidity',
		});
	});

	test('the dynsec audit line names the actor, command and arguments', () => {
		expect(parse(dynsecLine('mqtt-top-x', 'mqtt-top-demo', 'disableClient', [['username', 'tracker-9']]))).toEqual({
			type: 'dynsec',
			time: now,
			actor: 'mqtt-top-x/mqtt-top-demo',
			command: 'disableClient',
			args: {username: 'tracker-9'},
		});
	});

	test('payloads carry whole unix seconds', () => {
		expect(logPayload('x', 1795313850_999)).toBe('1795313850: x');
	});
});

describe('the same happenings in the Mosquitto 2.1 dialect (--demo-dialect 2.1)', () => {
	const capture21 = readFileSync(path.join(capturesDir, 'versions/tls-bridge-errors/mosquitto-2.1.2/sys-broker-log-topics.txt'), 'utf8');
	const captured = new Set(
		capture21
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.replace(/ \d+: /, ' ')),
	);
	const peer = (port: number) => ({address: '127.0.0.1', port});

	test('reproduce the real Mosquitto 2.1.2 capture byte for byte', () => {
		const made: LogLine[] = [
			connectLine(
				{address: '127.0.0.1', port: 53530, clientId: 'sensor-a', protocolVersion: 4, clean: true, keepalive: 60, username: 'alice'},
				'2.1',
			),
			connectLine(
				{address: '127.0.0.1', port: 53584, clientId: 'legacy-31', protocolVersion: 3, clean: true, keepalive: 60, username: 'alice'},
				'2.1',
			),
			disconnectLine('sensor-a', 'client', '2.1', peer(53530)),
			takeoverLine('gw-01', '2.1', peer(53534)),
			disconnectLine('abrupt-5', 'closed', '2.1', peer(53594)),
			disconnectLine('garbage-1', 'protocol', '2.1', peer(53616)),
			disconnectLine('silent-1', 'timeout', '2.1', peer(53602)),
			notAuthorisedLine('2.1', 'bad-pass', peer(53630)),
		];
		for (const line of made) expect(captured).toContain(`${line.topic} ${line.message}`);
	});

	test('every cause reads back as the kind it stands for, whatever the dialect', () => {
		const causes = ['client', 'closed', 'timeout', 'protocol', 'administrative', {error: 'Connection timed out'}] as const;
		for (const dialect of ['2.0', '2.1'] as const) {
			const kinds = causes.map((cause) => parse(disconnectLine('flaky [plug] 3', cause, dialect, peer(4000))));
			expect(kinds.map((e) => (e.type === 'disconnect' ? [e.clientId, e.kind] : e.type))).toEqual([
				['flaky [plug] 3', 'client'],
				['flaky [plug] 3', 'closed'],
				['flaky [plug] 3', 'timeout'],
				['flaky [plug] 3', 'protocol'],
				['flaky [plug] 3', 'administrative'],
				['flaky [plug] 3', 'error'],
			]);
		}

		expect(parse(takeoverLine('gw 01', '2.1', peer(1)))).toEqual({type: 'takeover', time: now, clientId: 'gw 01'});
		expect(parse(notAuthorisedLine('2.1', 'probe', peer(2)))).toEqual({type: 'auth-failure', time: now, clientId: 'probe'});
		expect(
			parse(connectLine({address: '::1', port: 5, clientId: 'v311', protocolVersion: 4, clean: false, keepalive: 9}, '2.1')),
		).toMatchObject({type: 'connect', clientId: 'v311', address: '::1', port: 5, protocol: '3.1.1', cleanSession: false});
	});
});
