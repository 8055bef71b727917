import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {connect, disconnect, storeWith, t0} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

describe('detail view', () => {
	it('shows every field, subscriptions with QoS and recent events; Esc returns to the same row', async () => {
		const store = storeWith([
			{id: 'a-first', user: 'amy'},
			{
				id: 'kitchen sensor 7',
				user: 'alice',
				clean: false,
				protocol: 5,
				keepAlive: 45,
				subscriptions: [
					['home/kitchen/#', 1],
					['$SYS/broker/uptime', 0],
				],
			},
			{id: 'z-last', user: 'alice'},
		]);
		disconnect(store, 'kitchen sensor 7', t0 + 10_000, 'has exceeded timeout, disconnecting.');
		connect(store, [{id: 'kitchen sensor 7', user: 'alice', clean: false, protocol: 5, keepAlive: 45}], t0 + 20_000);
		const app = renderApp(fakeAdapter(store), {rows: 50, clock: () => t0 + 80_000});
		await wait();
		await app.press('j', keys.enter);
		const frame = app.frame();
		expect(frame).toMatch(/Client ID\s+kitchen sensor 7/);
		expect(frame).toMatch(/Status\s+online for 1m00s/);
		expect(frame).toContain('alice (account state unknown) · shared with 1 other session: z-last');
		expect(frame).toMatch(/Protocol\s+MQTT 5\.0/);
		// MQTT 5: c0 is Clean Start off; whether the session outlives the connection is not logged.
		expect(frame).toContain('unknown: MQTT 5 clean start c0');
		expect(frame).toMatch(/Keep-alive\s+45s/);
		expect(frame).toMatch(/Connects\s+2 · takeovers 0 · flaps 1/);
		expect(frame).toMatch(/Last disconnect\s+keep-alive timeout/);
		expect(frame).toContain('Subscriptions (2)');
		expect(frame).toMatch(/1\s+home\/kitchen\/#/);
		expect(frame).toMatch(/0\s+\$SYS\/broker\/uptime/);
		expect(frame).toContain('Recent events');
		expect(frame).toMatch(/disconnect\s+disconnected: keep-alive timeout/);
		// Newest first: the reconnect is listed before the timeout.
		const reconnect = frame.indexOf('connect     from');
		const timeout = frame.indexOf('disconnected: keep-alive timeout');
		const firstConnect = frame.lastIndexOf('connect     from');
		expect(reconnect).toBeLessThan(timeout);
		expect(timeout).toBeLessThan(firstConnect);
		await app.press(keys.escape);
		expect(app.frame()).toContain('Client ID▲');
		expect(app.lines().find((l) => l.startsWith('>'))).toContain('kitchen sensor 7');
	});

	it('scrolls long content and keeps showing a client that went away', async () => {
		const subscriptions = Array.from({length: 40}, (_, i) => [`topic/${String(i).padStart(2, '0')}`, i % 3] as [string, number]);
		const store = storeWith([{id: 'busy-client', subscriptions}]);
		const app = renderApp(fakeAdapter(store), {rows: 24, clock: () => t0 + 60_000});
		await wait();
		await app.press(keys.enter);
		expect(app.frame()).toContain('topic/00');
		expect(app.frame()).not.toContain('topic/39');
		await app.press('G');
		// The bottom is the oldest event: the connect; the fields at the top scrolled away.
		expect(app.frame()).toMatch(/12:00:00\s+connect\s+from 127\.0\.0\.1:40000/);
		expect(app.frame()).not.toMatch(/Client ID\s+busy-client/);
		await app.press('g');
		expect(app.frame()).toMatch(/Client ID\s+busy-client/);
		disconnect(store, 'busy-client', t0 + 30_000);
		await app.press('j', 'k');
		expect(app.frame()).toContain('no longer known');
		expect(app.frame()).toMatch(/Client ID\s+busy-client/);
	});
});
