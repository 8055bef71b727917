import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {connect, storeWith, t0} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

describe('monitor app', () => {
	it('shows what is running while the broker confirms an action', async () => {
		const adapter = fakeAdapter(storeWith([{id: 'alice-phone', user: 'alice'}]));
		let finish!: () => void;
		const block = adapter.commands.block;
		adapter.commands.block = async (username) => {
			await new Promise<void>((resolve) => (finish = resolve));
			return block(username);
		};

		const app = renderApp(adapter);
		await wait();
		await app.press('B', 'y');
		expect(app.frame()).toContain('blocking: waiting for the broker to confirm');
		// One action at a time: K does nothing until the block is confirmed.
		await app.press('K');
		expect(app.frame()).not.toContain('Kick?');
		expect(app.frame()).toContain('blocking: waiting for the broker to confirm');
		finish();
		await wait();
		expect(app.frame()).toContain('blocked username alice');
	});

	it('acts on the row the keys before it moved to when they arrive in one read (jjK over SSH)', async () => {
		const adapter = fakeAdapter(
			storeWith([
				{id: 'a-first', user: 'anna'},
				{id: 'b-second', user: 'bert'},
				{id: 'c-third', user: 'carl'},
			]),
		);
		const app = renderApp(adapter);
		await wait();
		// One chunk: every key is handled before React renders again.
		await app.press('jjK');
		expect(app.frame()).toContain('Kick?');
		await app.press('y');
		await wait();
		expect(adapter.calls).toEqual([{method: 'kickByUsername', target: 'carl'}]);
	});

	it('gives the filter prompt the rest of a read that opened it (/cam⏎ typed fast or pasted)', async () => {
		const app = renderApp(
			fakeAdapter(
				storeWith([
					{id: 'cam-dock', user: 'camera'},
					{id: 'gw-1', user: 'gateway'},
				]),
			),
		);
		await wait();
		await app.press('/cam\r');
		await wait();
		expect(app.frame()).toContain('filter: cam');
		expect(app.frame()).toContain('cam-dock');
		expect(app.frame()).not.toContain('gw-1');
	});

	it('pauses the display while events keep arriving, and catches up on resume', async () => {
		const store = storeWith([{id: 'first'}]);
		const app = renderApp(fakeAdapter(store));
		await wait();
		await app.press('p');
		expect(app.frame()).toContain('PAUSED');
		connect(store, [{id: 'second'}], t0 + 5000);
		await app.press('j', 'k');
		expect(app.frame()).not.toContain('second');
		await app.press('p');
		expect(app.frame()).not.toContain('PAUSED');
		expect(app.frame()).toContain('second');
	});

	it('exports the filtered view to CSV or JSON, by extension, never overwriting', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-export-'));
		const store = storeWith([
			{id: 'alice-phone', user: 'alice', subscriptions: [['home/#', 1]]},
			{id: 'bob-gw', user: 'bob'},
		]);
		const app = renderApp(fakeAdapter(store), {cwd: dir, clock: () => t0});
		await wait();
		await app.press('/', 'user:alice', keys.enter, 'e');
		expect(app.frame()).toMatch(/export to: \.\/mqtt-top-export-\d{8}-\d{6}\.csv/);
		// Replace the default name.
		await app.press(keys.backspace.repeat(40));
		await app.press('view.txt');
		expect(app.frame()).toContain('must end in .csv or .json');
		await app.press(keys.backspace.repeat(3));
		await app.press('csv', keys.enter);
		await wait(100);
		expect(app.frame()).toContain(`exported 1 session to ${path.join(dir, 'view.csv')}`);
		const csv = readFileSync(path.join(dir, 'view.csv'), 'utf8');
		// Whatever the umask: an export lists every client of the broker.
		expect(statSync(path.join(dir, 'view.csv')).mode & 0o777).toBe(0o600);
		expect(csv.split('\n')[0]).toBe(
			'clientId,username,address,port,protocol,cleanSession,persistence,keepAlive,connectedAt,status,subscriptions,lastDisconnectReason,broker,node,queued',
		);
		expect(csv).toContain('alice-phone,alice,127.0.0.1');
		expect(csv).toContain('home/#:1');
		expect(csv).not.toContain('bob-gw');

		await app.press('e');
		await app.press(keys.backspace.repeat(40));
		await app.press('view.json', keys.enter);
		await wait(100);
		const json = JSON.parse(readFileSync(path.join(dir, 'view.json'), 'utf8'));
		expect(json).toEqual([
			expect.objectContaining({clientId: 'alice-phone', username: 'alice', subscriptions: [{topic: 'home/#', qos: 1}]}),
		]);

		writeFileSync(path.join(dir, 'taken.csv'), 'keep me');
		await app.press('e');
		await app.press(keys.backspace.repeat(40));
		await app.press('taken.csv', keys.enter);
		await wait(100);
		expect(app.frame()).toContain('already exists');
		expect(readFileSync(path.join(dir, 'taken.csv'), 'utf8')).toBe('keep me');
	});

	it('copies the selected client ID with OSC 52', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'a-client'}, {id: 'kitchen sensor 7'}])));
		await wait();
		await app.press('j', 'c');
		expect(app.raw).toEqual([`\u001B]52;c;${Buffer.from('kitchen sensor 7').toString('base64')}\u0007`]);
		expect(app.frame()).toContain('copied kitchen sensor 7 to the clipboard');
	});

	it('copies an escaped form of a client ID holding control characters', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'x\nrm -rf ~\n'}])));
		await wait();
		await app.press('c');
		const copied = Buffer.from(app.raw[0].slice(7, -1), 'base64').toString();
		expect(copied).toBe('x\\x0arm -rf ~\\x0a');
		expect(app.frame()).toContain('(control characters escaped)');
	});

	it('while the link is down: says since when, marks online rows stale, refuses actions up front; all clears when live', async () => {
		const lostAt = new Date(2026, 0, 5, 10, 41, 7).getTime();
		const adapter = fakeAdapter(storeWith([{id: 'c1', user: 'alice'}], lostAt - 60_000), {now: () => lostAt + 5000});
		const app = renderApp(adapter, {clock: () => lostAt + 5000, columns: 160});
		await wait();
		expect(app.lines().find((l) => l.includes('c1'))).toMatch(/\bonline\b/);
		adapter.setConnection({
			state: 'reconnecting',
			detail: 'connection refused: the broker is not listening',
			lostAt,
			retryAt: lostAt + 9000,
		});
		await wait();
		const frame = app.frame();
		expect(frame).toContain('⚠ disconnected since 10:41:07: connection refused: the broker is not listening · reconnecting in 4s');
		expect(frame).toContain('online rows are stale: last confirmed 10:41:07');
		const row = app.lines().find((l) => l.includes('c1'))!;
		expect(row).toMatch(/\bstale\b/);
		expect(row).not.toMatch(/\bonline\b/);
		// The connection time stops where the data stopped: 60 s, not 65 s.
		expect(row).toContain('1m00s');
		await app.press('K');
		expect(app.frame()).not.toContain('Kick?');
		expect(app.frame()).toContain('cannot kick: not connected to the broker (disconnected since 10:41:07); nothing was sent');
		await app.press('B');
		expect(app.frame()).toContain('cannot block: not connected to the broker');
		expect(adapter.calls).toEqual([]);
		// The detail view says the same: what was known then, not confirmed since.
		await app.press(keys.enter);
		expect(app.frame()).toContain('stale: online for 1m00s when the link to the broker was lost at');
		await app.press(keys.escape);

		adapter.setConnection({state: 'resyncing', lostAt});
		await wait();
		expect(app.frame()).toContain('⚠ reconnected, resyncing');
		expect(app.lines().find((l) => l.includes('c1'))).toMatch(/\bstale\b/);

		adapter.setConnection({state: 'connected'});
		await wait();
		expect(app.frame()).not.toContain('⚠');
		expect(app.lines().find((l) => l.includes('c1'))).toMatch(/\bonline\b/);
	});

	it('says plainly when another client took over its client ID, and that it backs off', async () => {
		const lostAt = new Date(2026, 0, 5, 9, 0, 0).getTime();
		const adapter = fakeAdapter(storeWith([{id: 'c1'}], lostAt - 1000));
		const app = renderApp(adapter, {clock: () => lostAt + 1000, columns: 160});
		await wait();
		adapter.setConnection({
			state: 'reconnecting',
			detail: "another client connected with this monitor's client ID ops-1 and took over its connection",
			lostAt,
			retryAt: lostAt + 60_000,
			takenOver: true,
			takeovers: 1,
		});
		await wait();
		expect(app.frame()).toContain(
			"⚠ taken over at 09:00:00: another client connected with this monitor's client ID ops-1 and took over its connection",
		);
		expect(app.frame()).toContain('backing off, not fighting back:');
		expect(app.frame()).toContain('retrying in 59s');
	});

	it('shows broker counts, the sessions it has not seen, and rates', async () => {
		const store = storeWith([{id: 'a'}, {id: 'b'}], Date.now() - 5000);
		store.setBrokerCounter('connected', 6);
		store.setBrokerCounter('version', '2.0.11');
		store.setBrokerCounter('uptime', 3725);
		const app = renderApp(fakeAdapter(store), {columns: 160});
		await wait();
		const frame = app.frame();
		expect(frame).toContain('Mosquitto 2.0.11');
		expect(frame).toContain('up 1h02m');
		// 6 connected = 2 known + this monitor + 3 that connected before it started.
		expect(frame).toContain('connected 6 (broker) · known 2 · blocked 0 · unseen 3 (connected before mqtt-top started)');
		expect(frame).toMatch(/connects\/s 0\.03 [▁-█]{20}/);
	});

	it('quits on q', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'c1'}])));
		await wait();
		await app.press('q');
		const frames = app.frames.length;
		await app.press('j', 'j');
		// Unmounted: no more frames however many keys arrive.
		expect(app.frames.length).toBe(frames);
	});
});

describe('Esc then a key, joined by tmux into Alt+key', () => {
	it('in the detail view goes back to the table', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'first'}, {id: 'second'}])));
		await wait();
		await app.press(keys.enter);
		expect(app.frame()).toContain('Recent events');
		await app.press('\u001Bj');
		expect(app.frame()).not.toContain('Recent events');
		expect(app.frame()).toContain('second');
	});

	it('in the table clears the marks and still moves', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'first'}, {id: 'second'}])));
		await wait();
		await app.press(' ');
		expect(app.frame()).toContain('1 marked');
		await app.press('\u001Bj');
		expect(app.frame()).not.toContain('marked');
		expect(app.frame()).toMatch(/>\s+\S*\s*second/);
	});
});
