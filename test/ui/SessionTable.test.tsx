import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {bigStore, storeWith, t0} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

const rowsOf = (lines: string[]) => lines.filter((l) => /device-\d{5}/.test(l));
const selected = (lines: string[]) => lines.filter((l) => l.startsWith('>'));

describe('session table', () => {
	it('renders only the rows that fit, whatever the total (10,000 sessions)', async () => {
		const app = renderApp(fakeAdapter(bigStore(10_000)), {rows: 30, clock: () => t0 + 60_000});
		await wait();
		const lines = app.lines();
		const rows = rowsOf(lines);
		expect(lines.length).toBeLessThanOrEqual(29);
		expect(rows.length).toBeGreaterThan(10);
		expect(rows.length).toBeLessThan(30);
		expect(rows[0]).toContain('device-00000');
		expect(app.frame()).not.toContain('device-09999');
		expect(app.frame()).toContain('showing 10000 of 10000');
	});

	it('moves the selection with j/k, arrows, PgDn, G and g, scrolling the window', async () => {
		const app = renderApp(fakeAdapter(bigStore(10_000)), {rows: 30});
		await wait();
		expect(selected(app.lines())[0]).toContain('device-00000');
		await app.press('j', 'j', keys.down);
		expect(selected(app.lines())).toHaveLength(1);
		expect(selected(app.lines())[0]).toContain('device-00003');
		await app.press('k');
		expect(selected(app.lines())[0]).toContain('device-00002');
		await app.press('G');
		expect(selected(app.lines())[0]).toContain('device-09999');
		expect(app.frame()).not.toContain('device-00000');
		await app.press('g');
		expect(selected(app.lines())[0]).toContain('device-00000');
		const page = rowsOf(app.lines()).length;
		await app.press(keys.pageDown);
		expect(selected(app.lines())[0]).toContain(`device-${String(page).padStart(5, '0')}`);
		await app.press(keys.end, keys.home);
		expect(selected(app.lines())[0]).toContain('device-00000');
	});

	it('handles several keys arriving in one read (key repeat over SSH)', async () => {
		const app = renderApp(fakeAdapter(bigStore(100)));
		await wait();
		await app.press('jjjj');
		expect(selected(app.lines())[0]).toContain('device-00004');
	});

	it('keeps the selection on the same client when rows are added above it', async () => {
		const store = storeWith([{id: 'm-middle'}, {id: 'z-last'}]);
		const app = renderApp(fakeAdapter(store));
		await wait();
		await app.press('j');
		expect(selected(app.lines())[0]).toContain('z-last');
		store.apply({
			type: 'connect',
			time: t0 + 5000,
			clientId: 'a-first',
			address: '10.0.0.1',
			port: 1,
			protocol: '5.0',
			cleanSession: true,
			keepAlive: 30,
		});
		await app.press('p', 'p'); // any key re-snapshots at once
		expect(app.frame()).toContain('a-first');
		expect(selected(app.lines())[0]).toContain('z-last');
	});

	it('sorts with < and >, reverses with r, and says so in the heading', async () => {
		const store = storeWith([
			{id: 'a', user: 'zed'},
			{id: 'b', user: 'amy'},
			{id: 'c', user: 'kim'},
		]);
		const app = renderApp(fakeAdapter(store), {columns: 140});
		await wait();
		const order = () =>
			app
				.lines()
				.filter((l) => /^[> ][ *+] {1,2}[abc] /.test(l))
				.map((l) => l.trim().replace(/^>\s*/, '')[0]);
		expect(order()).toEqual(['a', 'b', 'c']);
		await app.press('>');
		expect(app.frame()).toContain('Username▲');
		expect(order()).toEqual(['b', 'c', 'a']);
		await app.press('r');
		expect(app.frame()).toContain('Username▼');
		expect(order()).toEqual(['a', 'c', 'b']);
		await app.press('<');
		expect(app.frame()).toContain('Client ID▲');
		expect(order()).toEqual(['a', 'b', 'c']);
	});

	it('marks rows new since the last tick with +, for one tick', async () => {
		const store = storeWith([{id: 'old-client'}]);
		const app = renderApp(fakeAdapter(store), {config: {refresh: 0.4}});
		await wait(20);
		store.apply({
			type: 'connect',
			time: t0 + 5000,
			clientId: 'new-client',
			address: '10.0.0.1',
			port: 1,
			protocol: '5.0',
			cleanSession: true,
			keepAlive: 30,
		});
		await app.press('p', 'p'); // a key press shows it at once, before the next tick
		const mark = (id: string) =>
			app
				.lines()
				.find((l) => l.includes(id))!
				.slice(0, 3);
		expect(mark('new-client')).toContain('+');
		expect(mark('old-client')).not.toContain('+');
		await wait(1000); // two ticks later it is no longer new
		expect(mark('new-client')).not.toContain('+');
	});

	it('hides and shows offline rows with o', async () => {
		const store = storeWith([{id: 'stays-online'}, {id: 'went-away', clean: false}]);
		store.apply({type: 'disconnect', time: t0 + 9000, clientId: 'went-away', kind: 'closed', reason: 'closed its connection'});
		const app = renderApp(fakeAdapter(store));
		await wait();
		expect(app.frame()).toContain('went-away');
		expect(app.lines().find((l) => l.includes('went-away'))).toContain('offline');
		await app.press('o');
		expect(app.frame()).not.toContain('went-away');
		expect(app.frame()).toContain('1 offline/blocked hidden');
		await app.press('o');
		expect(app.frame()).toContain('went-away');
	});

	it('shows client IDs with control characters escaped, never raw', async () => {
		const store = storeWith([{id: 'evil\u001B[2J\u001B]0;pwned\u0007', user: 'mallory\u009B'}]);
		const app = renderApp(fakeAdapter(store));
		await wait();
		expect(app.frame()).toContain('evil\\x1b[2J');
		// eslint-disable-next-line no-control-regex -- the point is that none reach the screen
		expect(app.frame()).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
	});

	it('fits 80 columns without wrapping, Client ID keeping a readable width', async () => {
		const store = storeWith([{id: 'a-rather-long-client-identifier-0001', user: 'someone-with-a-long-name', address: '192.168.100.200'}]);
		const app = renderApp(fakeAdapter(store), {columns: 80, rows: 24});
		await wait();
		for (const line of app.lines()) expect([...line].length).toBeLessThanOrEqual(80);
		const row = app.lines().find((l) => l.includes('a-rather-long'))!;
		expect(row).toContain('192.168.100.200');
		// Client ID keeps at least 16 cells before its ellipsis.
		expect(row).toMatch(/a-rather-long-cl\S*…/);
		expect(row).toContain('online');
	});
});

describe('traffic columns', () => {
	it('appear only once the broker log gives per-client traffic, and sort by rate', async () => {
		const store = storeWith([{id: 'a-quiet'}, {id: 'z-chatty'}]);
		const app = renderApp(fakeAdapter(store), {columns: 160, clock: () => t0 + 10_000, config: {refresh: 0.2}});
		await wait();
		expect(app.frame()).not.toContain('In/s');
		for (let i = 0; i < 20; i++)
			store.apply({type: 'traffic', time: t0 + 5000 + i * 100, clientId: 'z-chatty', direction: 'in', packet: 'PUBLISH', bytes: 10});
		store.apply({type: 'traffic', time: t0 + 6000, clientId: 'a-quiet', direction: 'in', packet: 'PINGREQ', bytes: 0});
		await wait(300); // a tick samples the rates
		expect(app.frame()).toMatch(/In\/s\s+Out\/s\s+Seen/);
		expect(app.lines().find((l) => l.includes('z-chatty'))).toMatch(/\s4\.0\s+0\s+3s$/);
		// < from Client ID wraps around to the last column on screen.
		await app.press('<', '<', '<');
		expect(app.frame()).toContain('▲In/s');
		await app.press('r');
		const rows = app.lines().filter((l) => /quiet|chatty/.test(l));
		expect(rows[0]).toContain('z-chatty');
	});
});
