import type {ActionAvailability} from '../../../source/broker/adapter.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {mosquittoAdmin} from '../../support/legacy-plan.js';
import {describe, expect, it} from 'vitest';
import {actionNotice, headerLines, nodeLines, unseenSessions, type HeaderInput, type NodeHeader} from '../../../source/ui/model/header.js';
import {lineText} from '../../../source/ui/model/line.js';
import type {Stats} from '../../../source/ui/model/snapshot.js';
import {displayWidth} from '../../../source/ui/text.js';

const stats = (over: Partial<Stats> = {}): Stats => ({
	knownOnline: 3,
	offline: 0,
	blockedRows: 0,
	blockedAccounts: 0,
	total: 3,
	hiddenInactive: 0,
	broker: {connected: 10, version: '2.0.11', uptime: 90},
	selfSeen: false,
	connects: {perSecond: 0.5, series: new Array(60).fill(0)},
	disconnects: {perSecond: 0, series: new Array(60).fill(0)},
	authFailuresPerSecond: 0,
	traffic: false,
	...over,
});

const input = (over: Partial<HeaderInput> = {}): HeaderInput => ({
	url: 'mqtt://h:1883',
	flavour: 'mosquitto',
	stats: stats(),
	refreshSeconds: 1,
	paused: false,
	filter: '',
	sortLabel: 'Client ID ▲',
	shown: 3,
	marked: 0,
	showInactive: true,
	connection: {state: 'connected'},
	actions: notice({dynsec: true}),
	readOnly: false,
	...over,
});

/** What the header is told about Mosquitto's actions with dynamic security in state `a`. */
const notice = (a: ActionAvailability) => actionNotice(mosquittoAdmin(new SessionStore(), a).capabilities());

const text = (over: Partial<HeaderInput> = {}, width = 120) => headerLines(input(over), width).map(lineText);

describe('header', () => {
	it('counts unseen sessions honestly: broker count minus known, minus this monitor', () => {
		expect(unseenSessions(stats())).toBe(6);
		expect(unseenSessions(stats({selfSeen: true}))).toBe(7);
		expect(unseenSessions(stats({broker: {connected: 2}}))).toBe(0);
		expect(unseenSessions(stats({broker: {}}))).toBeUndefined();
	});

	it('says PAUSED, the filter and the marks', () => {
		const lines = text({paused: true, filter: 'user:alice', marked: 2});
		expect(lines[0]).toContain('PAUSED');
		expect(lines[3]).toContain('filter: user:alice');
		expect(lines[3]).toContain('2 marked');
		expect(text()[0]).not.toContain('PAUSED');
	});

	it('warns about the connection and about unavailable actions, with the reason', () => {
		const lines = text({
			connection: {state: 'reconnecting', detail: 'the connection was reset'},
			actions: notice({dynsec: false, reason: 'plugin not loaded'}),
		});
		expect(lines).toContain('⚠ disconnected: the connection was reset · reconnecting now…');
		expect(lines).toContain('⚠ block/unblock unavailable (kick only by takeover): plugin not loaded');
		expect(text({readOnly: true, actions: notice({dynsec: false, reason: 'x'})}).join('\n')).not.toContain('unavailable');
	});

	it('while dynamic security has not answered yet, says so without a warning', () => {
		const lines = text({actions: notice({dynsec: false, reason: 'asking the dynamic-security plugin…', pending: true})});
		expect(lines).toContain('asking the dynamic-security plugin…');
		expect(lines.join('\n')).not.toContain('⚠');
	});

	it('never exceeds the width, wrapping long reasons', () => {
		const reason =
			'not allowed to subscribe to $CONTROL/dynamic-security/v1/response: grant the dynamic-security admin ACLs to use kick/block';
		const lines = text({actions: notice({dynsec: false, reason}), filter: 'a'.repeat(200)}, 80);
		for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
		expect(lines.join(' ')).toContain('grant the dynamic-security admin');
	});
});

describe('header and the broker link', () => {
	it('shows the broker count as history while the link is down, and no unseen guess', () => {
		const lostAt = new Date(2026, 0, 5, 10, 41, 7).getTime();
		const lines = text({connection: {state: 'reconnecting', lostAt, retryAt: lostAt + 3000, detail: 'reset'}, now: lostAt + 1000});
		expect(lines[1]).toContain('connected 10 (broker, as of 10:41:07)');
		expect(lines[1]).not.toContain('unseen');
		expect(lines.join('\n')).toContain('⚠ disconnected since 10:41:07: reset · reconnecting in 2s');
	});

	it('turns a lasting difference into a warning instead of the "before mqtt-top started" guess', () => {
		const lines = text({mismatch: {table: 3, broker: 9, forMs: 12_000}});
		expect(lines[1]).toContain('unseen 6');
		expect(lines[1]).not.toContain('connected before mqtt-top started');
		expect(lines.join('\n')).toContain('⚠ table shows 3 online, broker says 9 (for 12s)');
		expect(text({mismatch: {table: 11, broker: 2, forMs: 8000}}).join('\n')).toContain('9 listed online may be gone');
	});
});

describe('several nodes', () => {
	const t = new Date(2026, 11, 2, 12, 3, 4).getTime();
	const live = (name: string, connected?: number): NodeHeader => ({name, connection: {state: 'connected'}, connected});
	const down = (name: string, connected?: number): NodeHeader => ({
		name,
		connection: {state: 'reconnecting', lostAt: t, retryAt: t + 9000, attempts: 2, detail: 'ECONNREFUSED'},
		connected,
	});
	const texts = (nodes: NodeHeader[], width: number, now = t + 5000) => nodeLines(nodes, width, now).map(lineText);

	it('says nothing for one node: the single-broker header covers it', () => {
		expect(nodeLines([live('a', 3)], 80)).toEqual([]);
		expect(text({nodes: [live('a', 3)]})).toEqual(text());
	});

	it('gives up to three nodes a line each: name, state, client count; a down node is marked, its rows stale', () => {
		const lines = texts([live('edge-1', 58), down('edge-22', 40), {name: 'core', connection: {state: 'resyncing', lostAt: t}}], 80);
		expect(lines).toEqual(
			[
				'edge-1   live · connected 58',
				'edge-22  ⚠ reconnecting since 12:03:04, retry in 4s · connected 40 as of 12:03:04 · its rows are stale',
				'core     resyncing since 12:03:04 · connected ? · its rows are stale',
			].map((line) => (displayWidth(line) > 80 ? line.slice(0, 79) + '…' : line)),
		);
		for (const width of [80, 60])
			for (const line of texts([live('edge-1', 58), down('edge-22', 40)], width)) expect(displayWidth(line)).toBeLessThanOrEqual(width);
		const closed = texts([live('a', 1), {name: 'b', connection: {state: 'closed', detail: 'credentials refused'}, connected: 2}], 80);
		expect(closed[1]).toBe('b  ⚠ down: credentials refused · connected 2 · its rows are stale');
	});

	it('packs many nodes into two lines at 80 and 60 columns, never leaving out one that is down', () => {
		const nodes = Array.from({length: 12}, (_, i) => (i === 10 ? down(`node-${i}`, 7) : live(`node-${i}`, 100 + i)));
		for (const width of [80, 60]) {
			const lines = texts(nodes, width);
			expect(lines.length).toBeLessThanOrEqual(2);
			for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
			expect(lines.join('\n')).toContain('node-10 down, retry in 4s 7');
			expect(lines.at(-1)).toMatch(/\+\d+ more \(live\)$/);
		}

		// When they all fit, they keep the configured order.
		expect(texts(nodes.slice(0, 5), 80)).toEqual(['node-0 live 100  node-1 live 101  node-2 live 102  node-3 live 103', 'node-4 live 104']);
	});

	it('says how many of the left-out nodes are not live when even those do not fit', () => {
		const nodes = Array.from({length: 20}, (_, i) => down(`n${i}`, i));
		const lines = texts(nodes, 60);
		expect(lines.at(-1)).toMatch(/\+\d+ more \(\d+ not live\)$/);
	});

	it('sits under the first line of the header, names the broker count, and replaces the single-link warning', () => {
		const nodes = [live('edge-1', 58), down('edge-2', 40)];
		const lines = text({nodes, connection: {state: 'reconnecting', lostAt: t}, now: t + 5000}, 80);
		expect(lines[0]).toContain('2 brokers');
		expect(lines[1]).toMatch(/^edge-1 +live · connected 58$/);
		expect(lines[2]).toMatch(/^edge-2 +⚠ reconnecting since 12:03:04, retry in 4s/);
		expect(lines.join('\n')).not.toContain('⚠ disconnected');
		for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
	});
});
