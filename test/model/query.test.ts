import {describe, expect, test} from 'vitest';
import {narrows, parseQuery} from '../../source/model/query.js';
import {SessionStore} from '../../source/model/session-store.js';
import type {Session} from '../../source/model/types.js';

function fleet(): Session[] {
	const store = new SessionStore();
	const add = (
		clientId: string,
		username: string | undefined,
		address: string,
		protocol: '3.1' | '3.1.1' | '5.0',
		cleanSession: boolean,
		subs: string[],
	) => {
		store.apply({type: 'connect', time: 0, clientId, username, address, port: 1, protocol, cleanSession, keepAlive: 60});
		for (const topic of subs) store.apply({type: 'subscribe', time: 0, clientId, topic, qos: 1});
	};

	add('kitchen sensor 7', 'alice', '10.0.0.7', '5.0', true, ['home/kitchen/#']);
	add('gw-01', 'alice', '10.0.1.1', '3.1.1', false, ['fleet/gw-01/#', 'cmd/+/reboot']);
	add('legacy', 'bob', '192.168.1.9', '3.1', true, []);
	add('Cam-Garage', undefined, '10.0.0.8', '5.0', true, ['$SYS/broker/load/#']);
	store.setAccountDisabled('bob', true);
	return store.rows();
}

function ids(query: string): string[] {
	const result = parseQuery(query);
	if (!result.ok) throw new Error(result.error);
	return fleet()
		.filter(result.query.match)
		.map((s) => s.clientId)
		.sort();
}

describe('the filter language', () => {
	test.each([
		['', ['Cam-Garage', 'gw-01', 'kitchen sensor 7', 'legacy']],
		['ALICE', ['gw-01', 'kitchen sensor 7']],
		['cam', ['Cam-Garage']],
		['id:gw', ['gw-01']],
		['user:bob', ['legacy']],
		['ip:10.0.0.', ['Cam-Garage', 'kitchen sensor 7']],
		['proto:5', ['Cam-Garage', 'kitchen sensor 7']],
		['proto:3.1.1', ['gw-01']],
		['proto:311', ['gw-01']],
		['proto:3.1', ['legacy']],
		['status:blocked', ['legacy']],
		['clean:false', ['gw-01']],
		['clean:c1', ['Cam-Garage', 'kitchen sensor 7', 'legacy']],
		// Wildcards honoured both ways: the session would receive it, or the query covers its filter.
		['topic:home/kitchen/temp', ['kitchen sensor 7']],
		['topic:cmd/gw-01/reboot', ['gw-01']],
		['topic:fleet/#', ['gw-01']],
		['topic:#', ['gw-01', 'kitchen sensor 7']],
		['topic:$SYS/broker/load/x', ['Cam-Garage']],
		['id:~^gw-\\d+$', ['gw-01']],
		['user:~^(alice|bob)$', ['gw-01', 'kitchen sensor 7', 'legacy']],
		['-user:alice', ['Cam-Garage', 'legacy']],
		['-id:gw -id:legacy', ['Cam-Garage', 'kitchen sensor 7']],
		// Same field OR-ed, different fields AND-ed.
		['user:alice user:bob', ['gw-01', 'kitchen sensor 7', 'legacy']],
		['user:alice proto:5', ['kitchen sensor 7']],
		['"kitchen sensor"', ['kitchen sensor 7']],
		['id:"sensor 7"', ['kitchen sensor 7']],
		['nothing-matches', []],
	])('%s', (query, expected) => {
		expect(ids(query)).toEqual(expected);
	});

	test.each([
		['colour:red', "unknown field 'colour'"],
		['id:~[', 'bad regular expression'],
		['status:sleeping', "status: 'sleeping' is not online, offline or blocked"],
		['proto:6', "proto: '6' is not 3.1, 3.1.1 or 5.0"],
		['clean:maybe', "clean: 'maybe' is not true or false"],
		['user:', 'user: needs a value'],
		['"open', 'unclosed quote'],
		['id:~(a)\\1', 'backreferences and lookaround are not supported'],
		['id:~^(?=gw)', 'backreferences and lookaround are not supported'],
	])('%s is refused with a reason', (query, reason) => {
		const result = parseQuery(query);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.error).toContain(reason);
	});
});

describe('regular expressions against hostile IDs', () => {
	test.each(['(a+)+$', '(a|aa)+$', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$', '^(.*a){12}$'])(
		'id:~%s takes linear time on a 65,535-character ID (a backtracking engine would take hours)',
		(pattern) => {
			const result = parseQuery(`id:~${pattern}`);
			if (!result.ok) throw new Error(result.error);
			const store = new SessionStore();
			const hostile = 'a'.repeat(65_534) + '!';
			store.apply({
				type: 'connect',
				time: 0,
				clientId: hostile,
				address: '10.0.0.1',
				port: 1,
				protocol: '5.0',
				cleanSession: true,
				keepAlive: 60,
			});
			const began = performance.now();
			expect(result.query.match(store.get(hostile)!)).toBe(false);
			expect(performance.now() - began).toBeLessThan(2000);
		},
	);

	test('patterns match what JavaScript regexes match for ordinary filters, case-insensitively', () => {
		expect(ids('id:~^GW-\\d+$ id:~sensor\\s7$')).toEqual(['gw-01', 'kitchen sensor 7']);
		expect(ids('topic:~^\\$SYS/')).toEqual(['Cam-Garage']);
	});
});

describe('node: terms (several brokers)', () => {
	function twoNodes(): Session[] {
		const rows: Session[] = [];
		for (const node of ['edge-1', 'edge-2', 'core']) {
			const store = new SessionStore({node});
			store.apply({
				type: 'connect',
				time: 0,
				clientId: 'gw',
				username: 'u',
				address: '10.0.0.1',
				port: 1,
				protocol: '5.0',
				cleanSession: true,
				keepAlive: 60,
			});
			rows.push(...store.rows());
		}

		return rows;
	}

	function nodes(query: string): string[] {
		const result = parseQuery(query);
		if (!result.ok) throw new Error(result.error);
		return twoNodes()
			.filter(result.query.match)
			.map((s) => s.node);
	}

	test.each([
		['node:edge-1', ['edge-1']],
		['node:EDGE', ['edge-1', 'edge-2']],
		['-node:edge', ['core']],
		['node:core node:edge-2', ['edge-2', 'core']],
		['node:~^edge-[0-9]$ -node:edge-2', ['edge-1']],
		['node:edge gw', ['edge-1', 'edge-2']],
		['node:nowhere', []],
	])('%s → %j', (query, expected) => {
		expect(nodes(query)).toEqual(expected);
	});

	test('node: needs a value', () => {
		expect(parseQuery('node:')).toEqual({ok: false, error: 'node: needs a value'});
	});
});

describe('queued: terms', () => {
	const store = new SessionStore({node: 'rabbit'});
	store.reconcile(
		[
			{clientId: 'deep', online: false, cleanSession: false, queued: 250},
			{clientId: 'some', online: true, queued: 100},
			{clientId: 'none', online: true, queued: 0},
			{clientId: 'unknown', online: true},
		],
		true,
		1,
	);
	const matching = (text: string) => {
		const parsed = parseQuery(text);
		if (!parsed.ok) throw new Error(parsed.error);
		return store
			.rows()
			.filter(parsed.query.match)
			.map((s) => s.clientId)
			.sort();
	};

	test.each([
		['queued:>100', ['deep']],
		['queued:>=100', ['deep', 'some']],
		['queued:<100', ['none']],
		['queued:<=100', ['none', 'some']],
		['queued:0', ['none']],
		['queued:=250', ['deep']],
		// Several terms on one field are OR-ed.
		['queued:0 queued:>200', ['deep', 'none']],
		// A session whose broker gives no count never matches a comparison, so excluding keeps it.
		['-queued:>0', ['none', 'unknown']],
	])('%s', (text, expected) => {
		expect(matching(text)).toEqual(expected);
	});

	test('a malformed count says what is expected', () => {
		for (const text of ['queued:lots', 'queued:>-1', 'queued:>', 'queued:1.5']) {
			const parsed = parseQuery(text);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.error).toMatch(/^queued: ('.*' is not a count like 100, >100|needs a value)/);
		}
	});
});

describe('address: with CIDR blocks', () => {
	function matching(query: string, addresses: string[]): string[] {
		const result = parseQuery(query);
		if (!result.ok) throw new Error(result.error);
		const store = new SessionStore();
		for (const [i, address] of addresses.entries()) {
			store.apply({type: 'connect', time: 0, clientId: `c${i}`, address, port: 1, protocol: '5.0', cleanSession: true, keepAlive: 60});
		}

		return [...store.sessions.values()].filter(result.query.match).map((s) => s.address!);
	}

	const addresses = [
		'10.1.2.3',
		'10.255.0.1',
		'11.0.0.1',
		'192.168.1.9',
		'::ffff:10.9.9.9',
		'::ffff:192.168.1.1',
		'fd00::5',
		'fe80::1',
		'2001:db8::1',
	];

	test.each([
		['address:10.0.0.0/8', ['10.1.2.3', '10.255.0.1', '::ffff:10.9.9.9']],
		['ip:10.0.0.0/8', ['10.1.2.3', '10.255.0.1', '::ffff:10.9.9.9']],
		['address:192.168.1.9/32', ['192.168.1.9']],
		['address:0.0.0.0/0', ['10.1.2.3', '10.255.0.1', '11.0.0.1', '192.168.1.9', '::ffff:10.9.9.9', '::ffff:192.168.1.1']],
		['address:fd00::/8', ['fd00::5']],
		['address:[fe80::]/10', ['fe80::1']],
		['-address:10.0.0.0/8', ['11.0.0.1', '192.168.1.9', '::ffff:192.168.1.1', 'fd00::5', 'fe80::1', '2001:db8::1']],
		['address:10.0.0.0/8 address:fd00::/8', ['10.1.2.3', '10.255.0.1', '::ffff:10.9.9.9', 'fd00::5']],
		// Without a slash it is the substring match it always was.
		['address:10.', ['10.1.2.3', '10.255.0.1', '::ffff:10.9.9.9']],
	])('%s', (query, expected) => {
		expect(matching(query, addresses)).toEqual(expected);
	});

	test.each([
		['address:10.0.0.0/33', "address: '10.0.0.0/33' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)"],
		['address:fd00::/129', "address: 'fd00::/129' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)"],
		['address:10.0.0/8', "address: '10.0.0/8' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)"],
		['-address:10.0.0.0/x', "address: '10.0.0.0/x' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)"],
		['address:/8', "address: '/8' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)"],
	])('%s is an error', (query, error) => {
		expect(parseQuery(query)).toEqual({ok: false, error});
	});

	test('a session without a known address is never inside a block', () => {
		const result = parseQuery('address:0.0.0.0/0');
		if (!result.ok) throw new Error(result.error);
		const store = new SessionStore();
		store.apply({type: 'subscribe', time: 0, clientId: 'quiet', topic: 'a', qos: 0});
		expect(result.query.match(store.get('quiet')!)).toBe(false);
	});
});

describe('text terms match as lowercasing both sides would', () => {
	test('over random IDs and needles, including characters that lowercase into ASCII', () => {
		// Kelvin sign (→ k), dotted capital I (→ i + combining dot), sharp s, final sigma, and regex metacharacters.
		const alphabet = [
			'a',
			'B',
			'k',
			'K',
			'i',
			'I',
			'\u212a',
			'\u0130',
			'ß',
			'ẞ',
			'ς',
			'Σ',
			'σ',
			'.',
			'*',
			'(',
			'[',
			'\\',
			'/',
			'-',
			'$',
			'1',
		];
		let x = 11;
		const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
		const word = (max: number) =>
			Array.from({length: 1 + Math.floor(next() * max)}, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
		for (let i = 0; i < 3000; i++) {
			let needle = word(3);
			while (needle.startsWith('-') || needle.startsWith('~')) needle = needle.slice(1) || 'a';
			const id = word(12);
			const parsed = parseQuery(`id:${needle}`);
			expect(parsed.ok, needle).toBe(true);
			if (!parsed.ok) continue;
			const session = {clientId: id} as Session;
			expect(parsed.query.match(session), `${JSON.stringify(needle)} in ${JSON.stringify(id)}`).toBe(
				id.toLowerCase().includes(needle.toLowerCase()),
			);
		}
	});
});

describe('narrows: whether a filter typed further keeps only sessions the shorter one keeps', () => {
	test.each([
		['g', 'gw', true],
		['GW', 'gw-0', true],
		['gw', 'agwb', true],
		['user:al', 'user:ali', true],
		['ID:gw', 'id:gw-01', true],
		['node:a', 'node:ab', true],
		['alice g', 'alice gw', true],
		['"kitchen s"', '"kitchen se"', true],
		// Not a narrowing, or not one the text alone shows.
		['gw', 'g', false],
		['gw', 'gw x', false],
		['gw x', 'gw', false],
		['a b', 'a c', false],
		['b a', 'c ab', false],
		['-g', '-gw', false],
		['~g', '~gw', false],
		['id:~g', 'id:~gw', false],
		['id:g', 'user:gw', false],
		['g', 'id:gw', false],
		['address:10.0', 'address:10.0.0', false],
		['topic:home', 'topic:home/', false],
		['proto:3', 'proto:3.1', false],
		['', 'g', false],
		['"g', '"gw', false],
	])('%j then %j: %s', (wider, narrower, expected) => {
		expect(narrows(wider, narrower)).toBe(expected);
	});

	test('never claims a narrowing that keeps a session the wider filter leaves out', () => {
		const words = ['g', 'gw', 'w', 'a', 'al', 'ali', 'K', 'k', '\u212a', 'ß', 'ss', '0', '-1', 'id:', 'user:', 'node:', '-', '~', '"', ' '];
		let x = 5;
		const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
		const pick = () => words[Math.floor(next() * words.length)];
		const store = new SessionStore();
		for (let i = 0; i < 80; i++) {
			const id = Array.from({length: 1 + Math.floor(next() * 4)}, pick).join('');
			store.apply({
				type: 'connect',
				time: 0,
				clientId: id,
				username: pick() + pick(),
				address: '10.0.0.1',
				port: 1,
				protocol: '5.0',
				cleanSession: true,
				keepAlive: 60,
			});
		}

		const sessions = store.rows();
		let claimed = 0;
		for (let i = 0; i < 4000; i++) {
			const wider = Array.from({length: 1 + Math.floor(next() * 3)}, pick).join('');
			const narrower = wider + Array.from({length: Math.floor(next() * 2)}, pick).join('');
			if (!narrows(wider, narrower)) continue;
			const a = parseQuery(wider);
			const b = parseQuery(narrower);
			if (!a.ok || !b.ok) continue;
			claimed++;
			for (const session of sessions)
				if (b.query.match(session)) expect(a.query.match(session), `${wider} → ${narrower}: ${session.clientId}`).toBe(true);
		}

		// The generator reaches real narrowings, so the check above is not vacuous.
		expect(claimed).toBeGreaterThan(500);
	});
});
