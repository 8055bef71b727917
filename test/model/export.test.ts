import {describe, expect, test} from 'vitest';
import {csvPieces, jsonPieces, recordKeys, toCsv, toJson, toRecord} from '../../source/model/export.js';
import {SessionStore} from '../../source/model/session-store.js';

function sessions() {
	const store = new SessionStore({node: 'edge-1'});
	store.apply({
		type: 'connect',
		time: Date.UTC(2026, 10, 22, 10),
		clientId: 'gw, "01"',
		username: 'alice',
		address: '10.0.0.1',
		port: 4000,
		protocol: '3.1.1',
		cleanSession: false,
		keepAlive: 120,
	});
	store.apply({type: 'subscribe', time: 0, clientId: 'gw, "01"', topic: 'a/#', qos: 1});
	store.apply({type: 'subscribe', time: 0, clientId: 'gw, "01"', topic: 'b c', qos: 2});
	store.apply({type: 'subscribe', time: 0, clientId: '=cmd|calc', topic: 'x', qos: 0});
	store.setAccounts([{username: 'mallory', disabled: true}]);
	return store.rows();
}

describe('records', () => {
	test('have exactly the documented keys, in order, with nulls for what is unknown', () => {
		const [gw, formula, account] = sessions().map((s) => toRecord(s, 'mqtt://b:1883'));
		expect(Object.keys(gw)).toEqual(recordKeys);
		expect(gw).toEqual({
			clientId: 'gw, "01"',
			username: 'alice',
			address: '10.0.0.1',
			port: 4000,
			protocol: '3.1.1',
			cleanSession: false,
			persistence: 'persistent',
			keepAlive: 120,
			connectedAt: '2026-11-22T10:00:00.000Z',
			status: 'online',
			subscriptions: [
				{topic: 'a/#', qos: 1},
				{topic: 'b c', qos: 2},
			],
			lastDisconnectReason: null,
			broker: 'mqtt://b:1883',
			node: 'edge-1',
			queued: null,
		});
		expect(formula).toMatchObject({clientId: '=cmd|calc', username: null, connectedAt: null, protocol: null, persistence: 'unknown'});
		// Account-only rows are on a node too: a block is per broker.
		expect(account).toMatchObject({clientId: null, username: 'mallory', status: 'blocked', persistence: null, node: 'edge-1'});
	});

	test('JSON round-trips', () => {
		const records = sessions().map((s) => toRecord(s, 'mqtt://b:1883'));
		expect(JSON.parse(toJson(records))).toEqual(records);
	});

	test('CSV quotes commas and quotes, and defuses spreadsheet formulas', () => {
		const lines = toCsv(sessions().map((s) => toRecord(s, 'mqtt://b:1883')))
			.trimEnd()
			.split('\n');
		expect(lines[0]).toBe(recordKeys.join(','));
		expect(lines[1]).toBe(
			'"gw, ""01""",alice,10.0.0.1,4000,3.1.1,false,persistent,120,2026-11-22T10:00:00.000Z,online,a/#:1 b c:2,,mqtt://b:1883,edge-1,',
		);
		expect(lines[2].startsWith("'=cmd|calc,")).toBe(true);
		expect(lines[3]).toBe(',mallory,,,,,,,,blocked,,,mqtt://b:1883,edge-1,');
	});
});

describe('queued', () => {
	test('a number where the broker counts it, null where it does not; the last CSV column', () => {
		const store = new SessionStore({node: 'rabbit'});
		store.reconcile(
			[
				{clientId: 'deep', online: false, cleanSession: false, queued: 12_345},
				{clientId: 'unknown', online: true},
			],
			true,
			1,
		);
		const records = store.rows().map((s) => toRecord(s, 'http://r'));
		expect(records.map((r) => [r.clientId, r.queued])).toEqual([
			['deep', 12_345],
			['unknown', null],
		]);
		expect(JSON.parse(toJson(records))[0].queued).toBe(12_345);
		const lines = toCsv(records).trimEnd().split('\n');
		expect(lines[0].endsWith(',node,queued')).toBe(true);
		expect(lines[1].endsWith(',rabbit,12345')).toBe(true);
		expect(lines[2].endsWith(',rabbit,')).toBe(true);
	});
});

describe('pieces for streaming', () => {
	const records = () => sessions().map((s) => toRecord(s, 'mqtt://b:1883'));

	test('JSON pieces join to exactly the text JSON.stringify(records, null, 2) makes, one piece per record', () => {
		const pieces = [...jsonPieces(records())];
		// One opening piece per record and a closing one: never the whole document at once.
		expect(pieces).toHaveLength(records().length + 1);
		expect(pieces.join('')).toBe(JSON.stringify(records(), null, 2));
		expect(pieces.join('')).toBe(toJson(records()));
		expect([...jsonPieces([])].join('')).toBe(JSON.stringify([], null, 2));
	});

	test('control characters stay escaped in streamed JSON, as in toJson', () => {
		const [gw] = records();
		const hostile = {...gw, clientId: 'evil\u001b[2J\u200bid\nline'};
		const text = [...jsonPieces([hostile, gw])].join('');
		expect(text).toBe(toJson([hostile, gw]));
		expect(text.includes('\u001b')).toBe(false);
		expect(text.includes('\u200b')).toBe(false);
		expect(text).toContain(String.raw`\u001b[2J\u200bid\nline`);
		expect(JSON.parse(text)).toEqual([hostile, gw]);
	});

	test('CSV pieces are the header and then one line per record, the same text as before', () => {
		const pieces = [...csvPieces(records())];
		expect(pieces).toHaveLength(records().length + 1);
		expect(pieces.join('')).toBe(
			[
				recordKeys.join(','),
				'"gw, ""01""",alice,10.0.0.1,4000,3.1.1,false,persistent,120,2026-11-22T10:00:00.000Z,online,a/#:1 b c:2,,mqtt://b:1883,edge-1,',
				"'=cmd|calc,,,,,,unknown,,,online,x:0,,mqtt://b:1883,edge-1,",
				',mallory,,,,,,,,blocked,,,mqtt://b:1883,edge-1,',
				'',
			].join('\n'),
		);
		expect(toCsv(records())).toBe(pieces.join(''));
	});
});
