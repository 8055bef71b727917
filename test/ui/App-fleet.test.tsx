import {cleanup} from 'ink-testing-library';
import {afterEach, expect, it} from 'vitest';
import {SessionStore} from '../../source/model/session-store.js';
import {connect, t0} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

function node(name: string, ids: string[], connected: number) {
	const store = new SessionStore({node: name});
	connect(
		store,
		ids.map((id) => ({id, user: 'alice'})),
		t0,
	);
	store.setBrokerCounter('connected', connected);
	return fakeAdapter(store);
}

it('with several nodes: one table, a line per node in the header, a Node column, a down node’s rows kept and marked stale', async () => {
	const one = node('edge-1', ['gw-01', 'only-1'], 12);
	const two = node('edge-2', ['gw-01'], 2);
	const app = renderApp([one, two], {columns: 80, rows: 24, clock: () => t0 + 10_000});
	await wait();
	let lines = app.lines();
	expect(lines[0]).toContain('2 brokers');
	expect(lines[1]).toMatch(/^edge-1 +live · connected 12/);
	expect(lines[2]).toMatch(/^edge-2 +live · connected 2/);
	// The brokers' counts are summed; each has mqtt-top's own connection in it.
	expect(lines[3]).toMatch(/^connected 14 \(broker\) · known 3 /);
	expect(lines.find((line) => /Node +Client ID/.test(line))).toMatch(/^ {3}Node +Client ID/);
	// The same client ID on two brokers is two rows.
	expect(lines.filter((line) => line.includes('gw-01')).map((line) => /edge-\d/.exec(line)?.[0])).toEqual(['edge-1', 'edge-2']);
	for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);

	two.setConnection({state: 'reconnecting', lostAt: t0 + 5000, retryAt: t0 + 20_000});
	await app.press('j');
	lines = app.lines();
	expect(lines[2]).toMatch(/^edge-2 +⚠ reconnecting since \d\d:\d\d:\d\d, retry in 10s · connected 2 as of/);
	// Its rows stay, marked stale; the other node's rows stay live.
	expect(lines.filter((line) => line.includes('gw-01')).map((line) => /online|stale/.exec(line)?.[0])).toEqual(['online', 'stale']);
	expect(app.frame()).not.toContain('⚠ disconnected');

	// The detail view opens that node's session: stale, as its node is down.
	await app.press(keys.enter);
	expect(app.frame()).toMatch(/Status +stale: online for/);
	expect(app.frame()).toMatch(/Node +edge-2/);

	// node: filters.
	await app.press(keys.escape, '/', 'node:edge-1', keys.enter);
	expect(app.lines().filter((line) => line.includes('alice')).length).toBe(2);
	expect(app.frame()).not.toMatch(/edge-2 +gw-01/);
});

it('one node: no Node column and no node lines', async () => {
	const app = renderApp(node('solo', ['gw-01'], 2), {columns: 80, rows: 24});
	await wait();
	expect(app.frame()).not.toContain('Node');
	expect(app.frame()).not.toContain('solo');
});
