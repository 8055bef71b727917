import {cleanup} from 'ink-testing-library';
import {afterEach, expect, it} from 'vitest';
import type {NodeStatus} from '../../source/fleet/node-status.js';
import {SessionStore} from '../../source/model/session-store.js';
import {connect, t0} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

it('with several nodes: a line per node in the header, a Node column, and the rows of a down node marked stale', async () => {
	const store = new SessionStore({node: 'edge-2'});
	connect(store, [{id: 'gw-01', user: 'alice'}], t0);
	let nodes: NodeStatus[] = [
		{name: 'edge-1', connection: {state: 'connected'}, connected: 12},
		{name: 'edge-2', connection: {state: 'connected'}, connected: 2},
	];
	const app = renderApp(fakeAdapter(store), {columns: 80, rows: 24, clock: () => t0 + 10_000, nodes: () => nodes});
	await wait();
	let lines = app.lines();
	expect(lines[0]).toContain('2 brokers');
	expect(lines[1]).toMatch(/^edge-1 +live · connected 12/);
	expect(lines[2]).toMatch(/^edge-2 +live · connected 2/);
	const heading = lines.find((line) => line.includes('Client ID') && line.includes('Status'))!;
	expect(heading).toMatch(/^ {3}Node +Client ID/);
	expect(lines.find((line) => line.includes('gw-01'))).toMatch(/^> +edge-2 +gw-01 .*online/);
	for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);

	nodes = [nodes[0], {name: 'edge-2', connection: {state: 'reconnecting', lostAt: t0 + 5000, retryAt: t0 + 20_000}, connected: 2}];
	await app.press('j');
	lines = app.lines();
	expect(lines[2]).toMatch(/^edge-2 +⚠ reconnecting since \d\d:\d\d:\d\d, retry in 10s · connected 2 as of/);
	// Its rows stay, marked stale; the single-broker warning line is not repeated.
	expect(lines.find((line) => line.includes('gw-01'))).toMatch(/stale/);
	expect(app.frame()).not.toContain('⚠ disconnected');
});

it('one node: no Node column and no node lines', async () => {
	const store = new SessionStore({node: 'solo'});
	connect(store, [{id: 'gw-01'}], t0);
	const app = renderApp(fakeAdapter(store), {
		columns: 80,
		rows: 24,
		nodes: () => [{name: 'solo', connection: {state: 'connected'}, connected: 2}],
	});
	await wait();
	expect(app.frame()).not.toContain('Node');
	expect(app.frame()).not.toContain('solo');
});
