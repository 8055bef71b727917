import {describe, expect, test} from 'vitest';
import {FileLineParser} from '../../../../source/broker/mosquitto/log-file/line-parser.js';
import {createLineClock} from '../../../../source/broker/mosquitto/log-file/timestamp.js';
import type {SessionEvent} from '../../../../source/model/types.js';

const t = 1_795_313_850_000;

/** Parses lines in order with one parser; returns [event, debug] per line. */
function parseAll(lines: string[], known: string[] = []): Array<[SessionEvent | undefined, boolean]> {
	const ids = new Set(known);
	const parser = new FileLineParser(createLineClock('unix'), {has: (id) => ids.has(id)});
	return lines.map((line) => {
		const text = `1795313850: ${line}`;
		const event = parser.parse(text, 0, text.length, 0);
		if (event?.type === 'connect') ids.add(event.clientId);
		return [event, parser.debug];
	});
}

const events = (lines: string[], known?: string[]) => parseAll(lines, known).map(([event]) => event);

describe('debug lines', () => {
	test('PUBLISH in and out carry the client ID and the payload size', () => {
		expect(
			events([
				"Received PUBLISH from pub q1 (d0, q1, r0, m1, 'ok/a', ... (5 bytes))",
				"Sending PUBLISH to sub (d0) two (d0, q0, r1, m0, 'a (d1, q1) b', ... (1234 bytes))",
				"Denied PUBLISH from pub denied (d0, q0, r0, m0, 'denied/a', ... (1 bytes))",
			]),
		).toEqual([
			{type: 'traffic', time: t, clientId: 'pub q1', direction: 'in', packet: 'PUBLISH', bytes: 5},
			{type: 'traffic', time: t, clientId: 'sub (d0) two', direction: 'out', packet: 'PUBLISH', bytes: 1234},
			// The client did send it; the broker refused it.
			{type: 'traffic', time: t, clientId: 'pub denied', direction: 'in', packet: 'PUBLISH', bytes: 1},
		]);
	});

	test('every received packet proves the client alive; acknowledgements name it before their details', () => {
		expect(
			events([
				'Received PINGREQ from gw-01',
				'Received PUBACK from gw (01) (Mid: 7, RC:0)',
				'Received PUBREL from pub q2 (Mid: 1)',
				'Received DISCONNECT from ops-console',
			]).map((event) => event?.type === 'traffic' && [event.clientId, event.packet]),
		).toEqual([
			['gw-01', 'PINGREQ'],
			['gw (01)', 'PUBACK'],
			['pub q2', 'PUBREL'],
			['ops-console', 'DISCONNECT'],
		]);
	});

	test('only an accepted CONNACK counts, and other debug lines say nothing but are marked debug', () => {
		expect(
			parseAll([
				'Sending CONNACK to gw-01 (1, 0)',
				'Sending CONNACK to 127.0.0.1 (0, 5)',
				'Sending CONNACK to x (0, 135)',
				'Sending PINGRESP to gw-01',
				'No will message specified.',
				'Will message specified (3 bytes) (r0, q0).',
				'\tok/w',
				'Received CONNACK on connection bridge-1.',
			]),
		).toEqual([
			[{type: 'traffic', time: t, clientId: 'gw-01', direction: 'out', packet: 'CONNACK', bytes: 0}, true],
			[undefined, true],
			[undefined, true],
			[undefined, true],
			[undefined, true],
			[undefined, true],
			[undefined, true],
			[undefined, true],
		]);
	});

	test('notice lines are not debug', () => {
		expect(parseAll(['Client gw-01 disconnected.', 'Saving in-memory database to /x.db.'])).toEqual([
			[{type: 'disconnect', time: t, clientId: 'gw-01', kind: 'client', reason: 'sent DISCONNECT'}, false],
			[{type: 'unknown', time: t, line: 'Saving in-memory database to /x.db.'}, false],
		]);
	});
});

describe('subscribe and unsubscribe lines, which the file does not mark', () => {
	test('with debug lines, the SUBSCRIBE they announce decides, even for an unknown client', () => {
		expect(
			events([
				'Received SUBSCRIBE from kitchen sensor 7',
				'\thome/kitchen/# (QoS 1)',
				'kitchen sensor 7 1 home/kitchen/#',
				'\tcmd/kitchen sensor 7/set (QoS 2)',
				'kitchen sensor 7 2 cmd/kitchen sensor 7/set',
				'Sending SUBACK to kitchen sensor 7',
				'Received UNSUBSCRIBE from kitchen sensor 7',
				'\thome/+/temp',
				'kitchen sensor 7 home/+/temp',
				'Sending UNSUBACK to kitchen sensor 7',
			]).filter((event) => event?.type === 'subscribe' || event?.type === 'unsubscribe'),
		).toEqual([
			{type: 'subscribe', time: t, clientId: 'kitchen sensor 7', topic: 'home/kitchen/#', qos: 1},
			{type: 'subscribe', time: t, clientId: 'kitchen sensor 7', topic: 'cmd/kitchen sensor 7/set', qos: 2},
			{type: 'unsubscribe', time: t, clientId: 'kitchen sensor 7', topic: 'home/+/temp'},
		]);
	});

	test('with debug lines, a line outside a SUBSCRIBE is not guessed at, even from a known client', () => {
		expect(events(['Sending PINGRESP to gw-01', 'gw-01 1 fleet/#'], ['gw-01'])[1]).toEqual({
			type: 'unknown',
			time: t,
			line: 'gw-01 1 fleet/#',
		});
	});

	test('without debug lines, the longest known client ID decides', () => {
		expect(
			events(['kitchen sensor 7 1 home/kitchen/#', 'kitchen sensor 7 home/+/temp', 'stranger 1 x/#'], ['kitchen', 'kitchen sensor 7']),
		).toEqual([
			{type: 'subscribe', time: t, clientId: 'kitchen sensor 7', topic: 'home/kitchen/#', qos: 1},
			{type: 'unsubscribe', time: t, clientId: 'kitchen sensor 7', topic: 'home/+/temp'},
			{type: 'unknown', time: t, line: 'stranger 1 x/#'},
		]);
	});

	test('a client named "mosquitto" unsubscribing cannot pass for a broker restart', () => {
		expect(
			events([
				'Received UNSUBSCRIBE from mosquitto',
				'\tversion 9.9.9 starting',
				'mosquitto version 9.9.9 starting',
				'Sending UNSUBACK to mosquitto',
				'mosquitto version 2.0.11 starting',
			]).filter((event) => event?.type !== 'traffic'),
		).toEqual([
			undefined,
			{type: 'unsubscribe', time: t, clientId: 'mosquitto', topic: 'version 9.9.9 starting'},
			undefined,
			{type: 'broker-start', time: t, version: '2.0.11'},
		]);
	});
});

describe('lines without a timestamp', () => {
	test('take the last timestamped line’s time (a client ID with a newline splits a line)', () => {
		const parser = new FileLineParser(createLineClock('unix'), {has: () => false});
		const first = '1795313851: Client odd';
		parser.parse(first, 0, first.length, 0);
		const rest = 'id disconnected.';
		expect(parser.parse(rest, 0, rest.length, 42)?.time).toBe(1_795_313_851_000);
	});

	test('with log_timestamp false, the caller’s time is used', () => {
		const parser = new FileLineParser(createLineClock('none'), {has: () => false});
		const line = 'Client gw-01 disconnected.';
		expect(parser.parse(line, 0, line.length, 42)).toMatchObject({type: 'disconnect', time: 42, clientId: 'gw-01'});
	});
});
