// Mosquitto 2.0, 2.1.0 and 2.1.1+ log lines (test/fixtures/README.md lists what changed), checked
// line by line and on real captures of one scenario run against each version.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {type Dialect, dialectOfVersion} from '../../../source/broker/mosquitto/dialect.js';
import {FileLineParser} from '../../../source/broker/mosquitto/log-file/line-parser.js';
import {replayText} from '../../../source/broker/mosquitto/log-file/replay.js';
import {createLineClock} from '../../../source/broker/mosquitto/log-file/timestamp.js';
import {parseLogMessage, parseLogTopicMessage} from '../../../source/broker/mosquitto/log-parser.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {capturesDir} from '../../support/fixtures.js';

const parse = (line: string, dialect: Dialect) => parseLogMessage(line, 7, dialect);

describe('the dialect of a version', () => {
	test.each([
		['mosquitto version 2.0.11', '2.0'],
		['2.0.22', '2.0'],
		['mosquitto version 2.1.0', '2.1.0'],
		['mosquitto version 2.1.2', '2.1.1'],
		['mosquitto version 2.2.0', '2.1.1'],
		['aedes 1.2.0 (mqtt-top demo)', 'unknown'],
		['', 'unknown'],
	])('%s → %s', (text, dialect) => expect(dialectOfVersion(text)).toBe(dialect));
});

describe('Mosquitto 2.1 lines', () => {
	test('connect lines print the MQTT protocol level: p3 = 3.1, p4 = 3.1.1, p5 = 5.0', () => {
		for (const [p, protocol] of [
			['3', '3.1'],
			['4', '3.1.1'],
			['5', '5.0'],
		]) {
			expect(parse(`New client connected from 127.0.0.1:34160 as legacy (p${p}, c1, k60, u'alice').`, '2.1.1')).toMatchObject({
				type: 'connect',
				clientId: 'legacy',
				protocol,
			});
		}

		// p1/p2 are 2.0's numbers and p3/p4 2.1's: each dialect reads only its own.
		expect(parse("New client connected from 127.0.0.1:1 as a (p4, c1, k60, u'u').", '2.0').type).toBe('unknown');
		expect(parse("New client connected from 127.0.0.1:1 as a (p2, c1, k60, u'u').", '2.1.1').type).toBe('unknown');
		expect(parse("New client connected from 127.0.0.1:1 as a (p2, c1, k60, u'u').", 'unknown')).toMatchObject({protocol: '3.1.1'});
	});

	test.each<[string, object]>([
		[
			'Client sensor-a [127.0.0.1:53530] disconnected.',
			{type: 'disconnect', clientId: 'sensor-a', kind: 'client', reason: 'sent DISCONNECT'},
		],
		[
			'Client abrupt-5 [127.0.0.1:53594] disconnected: connection closed by client.',
			{type: 'disconnect', clientId: 'abrupt-5', kind: 'closed', reason: 'closed its connection'},
		],
		[
			'Client silent-1 [127.0.0.1:53602] disconnected: exceeded timeout.',
			{type: 'disconnect', clientId: 'silent-1', kind: 'timeout', reason: 'keep-alive timeout'},
		],
		[
			'Client ops (console) as root [127.0.0.1:34152] disconnected: administrative action.',
			{type: 'disconnect', clientId: 'ops (console) as root', kind: 'administrative', reason: 'disconnected by administrative action'},
		],
		['Client gw-01 [127.0.0.1:53534] disconnected: session taken over.', {type: 'takeover', clientId: 'gw-01'}],
		['Client badpw [127.0.0.1:34204] disconnected: not authorised.', {type: 'auth-failure', clientId: 'badpw'}],
		['Client intruder [127.0.0.1:1] disconnected: bad username or password.', {type: 'auth-failure', clientId: 'intruder'}],
		// No client ID in the CONNECT: 2.1 names the client by its address.
		['Client 127.0.0.1 [127.0.0.1:42758] disconnected: not authorised.', {type: 'auth-failure', time: 7}],
		[
			'Client garbage-1 [127.0.0.1:53616] disconnected: protocol error.',
			{type: 'disconnect', clientId: 'garbage-1', kind: 'protocol', reason: 'protocol error'},
		],
		[
			'Client big [127.0.0.1:2] disconnected: oversize packet.',
			{type: 'disconnect', clientId: 'big', kind: 'protocol', reason: 'oversize packet'},
		],
		[
			'Client r [127.0.0.1:2] disconnected: used disallowed feature (retain).',
			{type: 'disconnect', clientId: 'r', kind: 'protocol', reason: 'used disallowed feature (retain)'},
		],
		['Client m [127.0.0.1:2] disconnected: out of memory.', {type: 'disconnect', clientId: 'm', kind: 'error', reason: 'out of memory'}],
		[
			'Client s [127.0.0.1:2] disconnected: bad socket read/write: Connection reset by peer',
			{type: 'disconnect', clientId: 's', kind: 'error', reason: 'bad socket read/write: Connection reset by peer'},
		],
		// IPv6: the port is after the last colon.
		['Client v6 [::1:51234] disconnected.', {type: 'disconnect', clientId: 'v6', kind: 'client'}],
		// IDs may hold spaces, brackets and the words of the line itself: the address is taken from the right.
		[
			'Client odd [x] disconnected [1.2.3.4:5] [127.0.0.1:9] disconnected: exceeded timeout.',
			{type: 'disconnect', clientId: 'odd [x] disconnected [1.2.3.4:5]', kind: 'timeout'},
		],
	])('2.1.1+: %s', (line, event) => {
		expect(parse(line, '2.1.1')).toMatchObject(event);
		// Before the version is known, the line's own shape is enough.
		expect(parse(line, 'unknown')).toMatchObject(event);
	});

	test('2.1.0 logs a takeover with the 2.0 wording of everything else', () => {
		expect(parse('Client gw-01 disconnected, session taken over.', '2.1.0')).toEqual({type: 'takeover', time: 7, clientId: 'gw-01'});
		expect(parse('Client bad-pass disconnected, not authorised.', '2.1.0')).toEqual({type: 'auth-failure', time: 7, clientId: 'bad-pass'});
		expect(parse('Client silent-1 has exceeded timeout, disconnecting.', '2.1.0')).toMatchObject({kind: 'timeout'});
	});

	test('on a known 2.0 broker, an ID that looks like a 2.1 address stays whole', () => {
		const line = 'Client evil [1.2.3.4:5] disconnected.';
		expect(parse(line, '2.0')).toMatchObject({type: 'disconnect', clientId: 'evil [1.2.3.4:5]', kind: 'client'});
		expect(parse(line, '2.1.1')).toMatchObject({type: 'disconnect', clientId: 'evil', kind: 'client'});
	});

	test("the log file's start line sets the dialect for the lines after it", () => {
		const parser = new FileLineParser(createLineClock('unix'), {has: () => false});
		const read = (line: string) => {
			const text = `1795313850: ${line}`;
			return parser.parse(text, 0, text.length, 0);
		};

		read('mosquitto version 2.0.11 starting');
		expect(read('Client evil [1.2.3.4:5] disconnected.')).toMatchObject({clientId: 'evil [1.2.3.4:5]'});
		read('mosquitto version 2.1.2 starting');
		expect(read('Client evil [1.2.3.4:5] disconnected.')).toMatchObject({clientId: 'evil'});
	});
});

/** What a row says that is the same whichever version ran the scenario (no ports, no times). */
function rows(store: SessionStore) {
	return store
		.rows()
		.filter((row) => !row.clientId.startsWith('monitor'))
		.map((row) => ({
			clientId: row.clientId,
			username: row.username,
			protocol: row.protocol,
			clean: row.cleanSession,
			status: row.status,
			subscriptions: [...row.subscriptions.keys()].sort(),
			takeovers: row.takeoverCount,
			connects: row.connectCount,
			lastDisconnect: row.lastDisconnectReason,
		}))
		.sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
}

function capture(scenario: string, version: string, file: string): string {
	return readFileSync(path.join(capturesDir, 'versions', scenario, `mosquitto-${version}`, file), 'utf8');
}

async function fromFile(scenario: string, version: string, upTo?: string): Promise<SessionStore> {
	let text = capture(scenario, version, 'mosquitto-log-type-all.log');
	// Up to the last line holding `upTo`.
	if (upTo !== undefined) text = text.slice(0, text.indexOf('\n', text.lastIndexOf(upTo)) + 1);
	const store = new SessionStore();
	await replayText(text, store);
	return store;
}

/** The `$SYS/broker/log/#` capture up to the last line holding `upTo`, parsed as the adapter does once `$SYS/broker/version` has said which version runs. */
function fromTopics(scenario: string, version: string, upTo?: string): SessionStore {
	const store = new SessionStore();
	const lines = capture(scenario, version, 'sys-broker-log-topics.txt')
		.split('\n')
		.filter((line) => line !== '');
	const last = upTo === undefined ? lines.length - 1 : lines.map((line) => line.includes(upTo)).lastIndexOf(true);
	for (const line of lines.slice(0, last + 1)) {
		const space = line.indexOf(' ');
		store.apply(parseLogTopicMessage(line.slice(0, space), line.slice(space + 1), 0, store, undefined, dialectOfVersion(version)));
	}

	return store;
}

describe('one scenario on Mosquitto 2.0.11, 2.0.22, 2.1.0 and 2.1.2 (TLS, bridge, errors)', () => {
	const versions = ['2.0.11', '2.0.22', '2.1.0', '2.1.2'];
	const alice = {username: 'alice', subscriptions: [], takeovers: 0, connects: 1, lastDisconnect: undefined, status: 'online'};
	// While the TLS client is connected: who is online, with which protocol, after one takeover
	// and one resumed persistent session.
	const whileTlsConnected = [
		{...alice, clientId: 'edge-bridge', protocol: '3.1.1', clean: false},
		{
			...alice,
			clientId: 'gw-01',
			protocol: '3.1.1',
			clean: false,
			subscriptions: ['fleet/gw-01/#'],
			takeovers: 1,
			connects: 2,
			lastDisconnect: 'taken over by a new connection',
		},
		{...alice, clientId: 'legacy-31', protocol: '3.1', clean: true},
		// Its owner came back to it while it was offline: 2.1 logs "session taken over", which is no takeover.
		{...alice, clientId: 'persist-5', protocol: '5.0', clean: false, connects: 2, lastDisconnect: 'sent DISCONNECT'},
		{...alice, clientId: 'silent-1', protocol: '3.1.1', clean: true},
		{...alice, clientId: 'tls-5', protocol: '5.0', clean: true},
	];

	// Whoever left is gone, except MQTT 5 sessions: their expiry is not logged, so they may persist
	// and stay listed offline.
	const left = (table: ReturnType<typeof rows>) => table.filter((row) => row.status !== 'online');
	const mayPersist = ['abrupt-5'];

	test.each(versions)('%s: the file log gives every device with its protocol, and nobody who left', async (version) => {
		const table = rows(await fromFile('tls-bridge-errors', version, 'as tls-5'));
		expect(table.filter((row) => row.status === 'online')).toEqual(whileTlsConnected);
		expect(left(table).map((row) => `${row.clientId} ${row.protocol} ${row.status}`)).toEqual(mayPersist.map((id) => `${id} 5.0 offline`));
	});

	test.each(versions)('%s: the topic stream gives the same table', (version) => {
		const table = rows(fromTopics('tls-bridge-errors', version, 'as tls-5'));
		expect(table.filter((row) => row.status === 'online')).toEqual(whileTlsConnected);
		expect(left(table).map((row) => row.clientId)).toEqual(mayPersist);
	});

	test.each(versions)('%s: once the broker has stopped, no session is online', async (version) => {
		const store = await fromFile('tls-bridge-errors', version);
		expect(rows(store).filter((row) => row.status === 'online')).toEqual([]);
		expect(
			rows(store)
				.filter((row) => row.protocol !== '5.0')
				.map((row) => row.clientId),
		).toEqual(['edge-bridge', 'gw-01']);
	});
});

describe('dynamic security, odd client IDs and a takeover loop on 2.0.11 and 2.1.2', () => {
	const beforeKick = '1 $CONTROL/dynamic-security/v1/response';

	test.each(['2.0.11', '2.1.2'])('%s: every device, no finished mosquitto_ctrl session left online', async (version) => {
		const ids = (store: SessionStore) =>
			rows(store)
				.filter((row) => row.status === 'online')
				.map((row) => `${row.clientId} ${row.protocol}`);
		// The last mosquitto_ctrl session (the one about to kick) is still connected at this point.
		const expected = ['gw-01 3.1.1', 'kitchen sensor 7 5.0', 'legacy-31 3.1', 'ops (console) as root 3.1.1'];
		const online = ids(await fromFile('dynsec-kick', version, beforeKick));
		expect(online.filter((id) => !id.startsWith('auto-'))).toEqual(expected);
		expect(online.filter((id) => id.startsWith('auto-'))).toHaveLength(1);
		expect(ids(fromTopics('dynsec-kick', version, beforeKick)).filter((id) => !id.startsWith('auto-'))).toEqual(expected);
	});

	test.each(['2.0.11', '2.1.2'])('%s: the takeover loop counts each takeover once', async (version) => {
		const store = await fromFile('dynsec-kick', version);
		expect(store.get('gw-01')).toMatchObject({takeoverCount: 11, connectCount: 12});
		expect(store.counters.takeovers).toBe(11);
	});

	test.each(['2.0.11', '2.1.2'])(
		'%s: after the kick, alice’s sessions are gone or blocked, and nothing is online but the monitor',
		async (version) => {
			const store = await fromFile('dynsec-kick', version);
			expect(rows(store).filter((row) => row.status === 'online')).toEqual([]);
			expect(store.get('gw-01')).toMatchObject({status: 'blocked', lastDisconnectReason: 'disconnected by administrative action'});
		},
	);
});
