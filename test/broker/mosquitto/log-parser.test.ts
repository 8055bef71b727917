import {describe, expect, test} from 'vitest';
import {
	parseLogMessage,
	parseLogTopicMessage,
	parseSubscribe,
	parseUnsubscribe,
	splitTimestamp,
} from '../../../source/broker/mosquitto/log-parser.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {topicCapture} from '../../support/fixtures.js';

const t = 1795313850_000;

describe('the captured $SYS/broker/log stream', () => {
	test('every captured line parses to the event it describes', () => {
		const store = new SessionStore();
		const events = topicCapture().map(({topic, payload}) => {
			const event = parseLogTopicMessage(topic, payload, 0, store);
			store.apply(event);
			return event;
		});

		expect(events).toEqual([
			{type: 'subscribe', time: t, clientId: 'monitor-x', qos: 0, topic: '$SYS/broker/log/#'},
			{type: 'connection', time: t, address: '127.0.0.1', port: 36848, listenerPort: 18830},
			{
				type: 'connect',
				time: t,
				clientId: 'kitchen sensor 7',
				address: '127.0.0.1',
				port: 36848,
				protocol: '5.0',
				cleanSession: true,
				keepAlive: 45,
				username: 'alice',
			},
			{type: 'subscribe', time: t, clientId: 'kitchen sensor 7', qos: 1, topic: 'home/kitchen/#'},
			{type: 'subscribe', time: t, clientId: 'kitchen sensor 7', qos: 0, topic: 'home/+/temp'},
			{type: 'subscribe', time: t, clientId: 'kitchen sensor 7', qos: 2, topic: 'cmd/kitchen sensor 7/set'},
			{type: 'unsubscribe', time: t, clientId: 'kitchen sensor 7', topic: 'home/+/temp'},
			{type: 'connection', time: t, address: '127.0.0.1', port: 36860, listenerPort: 18830},
			{
				type: 'connect',
				time: t,
				clientId: 'gw-01',
				address: '127.0.0.1',
				port: 36860,
				protocol: '3.1.1',
				cleanSession: false,
				keepAlive: 120,
				username: 'alice',
			},
			{type: 'subscribe', time: t, clientId: 'gw-01', qos: 1, topic: 'fleet/gw-01/#'},
			{type: 'connection', time: t, address: '127.0.0.1', port: 36864, listenerPort: 18830},
			{type: 'takeover', time: t, clientId: 'gw-01'},
			{
				type: 'connect',
				time: t,
				clientId: 'gw-01',
				address: '127.0.0.1',
				port: 36864,
				protocol: '3.1.1',
				cleanSession: false,
				keepAlive: 120,
				username: 'alice',
			},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36868, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'legacy-31',
				address: '127.0.0.1',
				port: 36868,
				protocol: '3.1',
				cleanSession: true,
				keepAlive: 60,
				username: 'alice',
			},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36874, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'silent-1',
				address: '127.0.0.1',
				port: 36874,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 1,
				username: 'alice',
			},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36882, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'abrupt-1',
				address: '127.0.0.1',
				port: 36882,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 60,
				username: 'alice',
			},
			{type: 'disconnect', time: t + 1000, clientId: 'abrupt-1', kind: 'closed', reason: 'closed its connection'},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36898, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'garbage-1',
				address: '127.0.0.1',
				port: 36898,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 60,
				username: 'alice',
			},
			{type: 'disconnect', time: t + 1000, clientId: 'garbage-1', kind: 'protocol', reason: 'protocol error'},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36910, listenerPort: 18830},
			{type: 'auth-failure', time: t + 1000},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36922, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'ops-console',
				address: '127.0.0.1',
				port: 36922,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 60,
				username: 'admin',
			},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36932, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'shared-user-a',
				address: '127.0.0.1',
				port: 36932,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 60,
				username: 'alice',
			},
			{type: 'connection', time: t + 1000, address: '127.0.0.1', port: 36934, listenerPort: 18830},
			{
				type: 'connect',
				time: t + 1000,
				clientId: 'shared-user-b',
				address: '127.0.0.1',
				port: 36934,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 60,
				username: 'alice',
			},
			...['kitchen sensor 7', 'gw-01', 'legacy-31', 'silent-1', 'shared-user-a', 'shared-user-b'].map((clientId) => ({
				type: 'disconnect',
				time: t + 1000,
				clientId,
				kind: 'administrative',
				reason: 'disconnected by administrative action',
			})),
			{type: 'dynsec', time: t + 1000, actor: 'ops-console/admin', command: 'modifyClient', args: {username: 'alice'}},
			{type: 'disconnect', time: t + 5000, clientId: 'ops-console', kind: 'client', reason: 'sent DISCONNECT'},
			{type: 'subscribe', time: t + 13000, clientId: 'monitor-y', qos: 0, topic: '$SYS/broker/log/#'},
			{type: 'connection', time: t + 14000, address: '127.0.0.1', port: 42546, listenerPort: 18830},
			{type: 'disconnect', time: t + 14000, clientId: 'monitor-x', kind: 'client', reason: 'sent DISCONNECT'},
			{
				type: 'connect',
				time: t + 14000,
				clientId: 'silent-2',
				address: '127.0.0.1',
				port: 42546,
				protocol: '3.1.1',
				cleanSession: true,
				keepAlive: 1,
				username: 'alice',
			},
			{type: 'disconnect', time: t + 17000, clientId: 'silent-2', kind: 'timeout', reason: 'keep-alive timeout'},
		]);
	});
});

describe('connect lines', () => {
	test('a client without a username has none', () => {
		const event = parseLogMessage('New client connected from 10.0.0.5:5000 as anon (p2, c1, k60).', t);
		expect(event).toMatchObject({type: 'connect', clientId: 'anon', address: '10.0.0.5', port: 5000});
		expect(event).not.toHaveProperty('username');
	});

	test.each([
		['with spaces', 'a b  c'],
		['with parentheses that look like flags', 'dev (p5, c1, k45)'],
		['containing " as "', 'x as y from 1.2.3.4:5'],
		['in unicode', 'Küche-温度-🌡'],
		['ending in a quote', "o'brien'"],
		['holding an escape sequence', 'evil\u001b[2J\u001b]0;pwned\u0007'],
	])('client IDs %s parse from the right', (_name, clientId) => {
		const event = parseLogMessage(`New client connected from 127.0.0.1:1 as ${clientId} (p5, c0, k10, u'bob').`, t);
		expect(event).toMatchObject({type: 'connect', clientId, username: 'bob', cleanSession: false, keepAlive: 10});
	});

	test('usernames with quotes and parentheses survive', () => {
		expect(parseLogMessage("New client connected from 127.0.0.1:1 as id (p2, c1, k5, u'it's (me)').", t)).toMatchObject({
			clientId: 'id',
			username: "it's (me)",
		});
	});

	test('IPv6 peers keep their address', () => {
		expect(parseLogMessage('New client connected from ::1:40000 as v6 (p5, c1, k60).', t)).toMatchObject({address: '::1', port: 40000});
	});

	test('bridges are sessions too, marked as such', () => {
		expect(parseLogMessage("New bridge connected from 10.1.1.1:3000 as edge.bridge (p2, c0, k60, u'br').", t)).toMatchObject({
			type: 'connect',
			clientId: 'edge.bridge',
			bridge: true,
		});
	});

	test('an unknown protocol number is not a connect', () => {
		expect(parseLogMessage('New client connected from 1.2.3.4:1 as x (p9, c1, k60).', t).type).toBe('unknown');
	});
});

describe('disconnect lines', () => {
	test.each([
		['Client a b disconnected.', 'a b', 'client'],
		['Client a b closed its connection.', 'a b', 'closed'],
		['Client a b has exceeded timeout, disconnecting.', 'a b', 'timeout'],
		['Client a b disconnected due to protocol error.', 'a b', 'protocol'],
		['Client a b disconnected due to malformed packet.', 'a b', 'protocol'],
		['Client a b disconnected due to oversize packet.', 'a b', 'protocol'],
		['Client a b disconnected due to out of memory.', 'a b', 'error'],
		['Client a b disconnected due to QoS too high or retain not supported.', 'a b', 'protocol'],
		['Client a b been disconnected by administrative action.', 'a b', 'administrative'],
		['Client a b disconnected: Connection reset by peer.', 'a b', 'error'],
		['Bad socket read/write on client a b: Broken pipe', 'a b', 'error'],
		// An ID that itself contains a disconnect phrase still parses from the right.
		['Client x disconnected. y disconnected.', 'x disconnected. y', 'client'],
	])('%s', (line, clientId, kind) => {
		expect(parseLogMessage(line, t)).toMatchObject({type: 'disconnect', clientId, kind});
	});

	test('the strerror text becomes the reason', () => {
		expect(parseLogMessage('Client d disconnected: Connection reset by peer.', t)).toMatchObject({reason: 'Connection reset by peer'});
	});

	test('a refused login has no client ID', () => {
		expect(parseLogMessage('Client <unknown> disconnected, not authorised.', t)).toEqual({type: 'auth-failure', time: t});
	});

	test('a known client refused later keeps its ID', () => {
		expect(parseLogMessage('Client gw disconnected, not authorised.', t)).toEqual({type: 'auth-failure', time: t, clientId: 'gw'});
	});

	test('session expiry', () => {
		expect(parseLogMessage('Expiring client old one due to timeout.', t)).toEqual({type: 'expire', time: t, clientId: 'old one'});
	});
});

describe('subscribe and unsubscribe lines', () => {
	const known = (ids: string[]) => ({has: (id: string) => ids.includes(id)});

	test('a known ID with spaces wins over an earlier split', () => {
		expect(parseSubscribe('dev 1 2 a/b c', t, known(['dev 1']))).toMatchObject({clientId: 'dev 1', qos: 2, topic: 'a/b c'});
		expect(parseSubscribe('dev 1 2 a/b c', t, known([]))).toMatchObject({clientId: 'dev', qos: 1, topic: '2 a/b c'});
	});

	test('an unknown ID splits at the first plausible QoS', () => {
		expect(parseSubscribe('kitchen sensor 7 2 cmd/kitchen sensor 7/set', t)).toMatchObject({
			clientId: 'kitchen sensor 7',
			qos: 2,
			topic: 'cmd/kitchen sensor 7/set',
		});
	});

	test('a refused subscription carries its failure code', () => {
		expect(parseSubscribe('dev 128 secret/#', t)).toMatchObject({clientId: 'dev', qos: 128, topic: 'secret/#'});
	});

	test('unsubscribe resolves the longest known ID', () => {
		expect(parseUnsubscribe('a b c/d e', t, known(['a', 'a b']))).toMatchObject({clientId: 'a b', topic: 'c/d e'});
		expect(parseUnsubscribe('a b c/d e', t)).toMatchObject({clientId: 'a', topic: 'b c/d e'});
	});

	test('lines that cannot be split are unknown, not thrown', () => {
		expect(parseSubscribe('nonsense', t).type).toBe('unknown');
		expect(parseUnsubscribe('nonsense', t).type).toBe('unknown');
	});
});

describe('everything else', () => {
	test('dynsec audit lines give actor, command and arguments', () => {
		expect(parseLogMessage('dynsec: ops/admin | setClientId | username=alice | clientid=gw=1', t)).toEqual({
			type: 'dynsec',
			time: t,
			actor: 'ops/admin',
			command: 'setClientId',
			args: {username: 'alice', clientid: 'gw=1'},
		});
	});

	test('broker start', () => {
		expect(parseLogMessage('mosquitto version 2.0.11 starting', t)).toEqual({type: 'broker-start', time: t, version: '2.0.11'});
	});

	test.each(['', 'Config loaded from /etc/mosquitto/mosquitto.conf.', 'Client', 'Client x', 'garbage \u0000\u001b'])(
		'%j is an unknown line',
		(line) => {
			expect(parseLogMessage(line, t)).toEqual({type: 'unknown', time: t, line});
		},
	);

	test('payloads without a numeric timestamp keep the receive time', () => {
		expect(splitTimestamp('Client x disconnected.', 42)).toEqual({time: 42, message: 'Client x disconnected.'});
		expect(splitTimestamp('1795313850: hello', 42)).toEqual({time: t, message: 'hello'});
		expect(splitTimestamp('12a: hello', 42)).toEqual({time: 42, message: '12a: hello'});
	});
});
