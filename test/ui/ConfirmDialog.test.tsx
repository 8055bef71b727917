import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {storeWith} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

const fleet = () =>
	storeWith([
		{id: 'alice-phone', user: 'alice'},
		{id: 'alice-tablet', user: 'alice', clean: false},
		{id: 'bob-gw', user: 'bob'},
		{id: 'no-user-sensor', clean: false},
	]);

describe('confirmation dialog', () => {
	it('lists everyone a block affects, and any key but y cancels without touching the broker', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter, {columns: 160});
		await wait();
		await app.press('B');
		const frame = app.frame().replace(/\s+/g, ' ');
		expect(frame).toContain('Block?');
		expect(frame).toContain('disables username alice');
		expect(frame).toContain('disconnects 2 sessions: alice-phone, alice-tablet');
		expect(frame).toMatch(/• alice-tablet 127\.0\.0\.1:\d+ MQTT 3\.1\.1 persistent/);
		expect(frame).toContain('Press y to confirm, any other key to cancel.');
		await app.press('n');
		expect(app.frame()).not.toContain('Block?');
		expect(app.frame()).toContain('block cancelled: nothing was sent to the broker');
		expect(adapter.calls).toEqual([]);
		// The refusal is on record too.
		expect(app.audit).toEqual([
			{action: 'block', target: 'alice', outcome: 'refused', detail: 'not confirmed', broker: 'mqtt://broker.test:1883'},
		]);
	});

	it('on y blocks, shows the outcome and records it in the audit log', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter);
		await wait();
		await app.press('B', 'y');
		await wait(100);
		expect(adapter.calls).toEqual([{method: 'block', target: 'alice'}]);
		expect(app.frame()).toContain('blocked username alice');
		expect(app.audit.map(({id, ...rest}) => ({...rest, id: typeof id}))).toEqual([
			{action: 'block', target: 'alice', outcome: 'attempted', broker: 'mqtt://broker.test:1883', id: 'string'},
			{
				action: 'block',
				target: 'alice',
				outcome: 'done',
				detail: 'blocked username alice',
				broker: 'mqtt://broker.test:1883',
				id: 'string',
			},
		]);
		expect(app.frame()).toContain('blocked 1');
		expect(app.lines().find((l) => l.includes('alice-tablet'))).toContain('blocked');
		expect(app.lines().find((l) => l.includes('alice-phone'))).toContain('blocked');
		expect(app.lines().find((l) => l.includes('bob-gw'))).toContain('online');
	});

	it('shows a refused action as a failure, still recorded', async () => {
		const adapter = fakeAdapter(fleet(), {fail: true});
		const app = renderApp(adapter);
		await wait();
		await app.press('K', 'y');
		await wait(100);
		expect(app.frame()).toContain('refused by the broker');
		expect(app.audit[0]).toMatchObject({action: 'kick', target: 'alice-phone (username alice)', outcome: 'attempted'});
		expect(app.audit[1]).toMatchObject({action: 'kick', outcome: 'failed', detail: 'refused by the broker: kicked username alice'});
	});

	it('acts on marked rows: one command per username, the rest explained', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter);
		await wait();
		// Mark alice-phone, alice-tablet, bob-gw and no-user-sensor.
		await app.press(' ', ' ', ' ', ' ');
		expect(app.frame()).toContain('4 marked');
		expect(app.lines().filter((l) => l.slice(0, 3).includes('*'))).toHaveLength(4);
		await app.press('B');
		expect(app.frame()).toContain('disables username alice');
		expect(app.frame()).toContain('disables username bob');
		expect(app.frame()).toContain('not included: client no-user-sensor has no username');
		await app.press('y');
		await wait(100);
		expect(adapter.calls).toEqual([
			{method: 'block', target: 'alice'},
			{method: 'block', target: 'bob'},
		]);
		expect(app.frame()).not.toContain('marked');
	});

	it('requires a second, explicit Y for a takeover that destroys a persistent session', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter);
		await wait();
		await app.press('G'); // no-user-sensor: no username, persistent
		await app.press('K');
		expect(app.frame()).toContain('this DESTROYS its persistent session');
		expect(app.frame()).toContain('DESTRUCTIVE');
		expect(app.lines().at(-1)).toBe('y confirm  any other key cancels');
		await app.press('y');
		expect(app.frame()).toContain('Really destroy the session?');
		expect(app.lines().at(-1)).toBe('Y destroy the session  any other key cancels');
		expect(adapter.calls).toEqual([]);
		await app.press('y'); // lowercase again is not enough
		expect(app.frame()).toContain('kick cancelled');
		expect(adapter.calls).toEqual([]);
		await app.press('K', 'y', 'Y');
		await wait(100);
		expect(adapter.calls).toEqual([{method: 'kickByTakeover', target: 'no-user-sensor'}]);
		expect(app.audit.map((r) => `${r.action} ${r.target} ${r.outcome}`)).toEqual([
			'kick no-user-sensor refused',
			'kick-takeover no-user-sensor attempted',
			'kick-takeover no-user-sensor done',
		]);
	});

	it('without dynamic security, block and unblock say why instead of asking', async () => {
		const reason = 'not allowed to subscribe to $CONTROL/dynamic-security/v1/response';
		const adapter = fakeAdapter(fleet(), {actions: {dynsec: false, reason}});
		const app = renderApp(adapter, {columns: 160});
		await wait();
		expect(app.frame()).toContain(`block/unblock unavailable (kick only by takeover): ${reason}`);
		await app.press('B');
		expect(app.frame()).not.toContain('Block?');
		expect(app.frame()).toContain(`cannot block: ${reason}`);
		await app.press('U');
		expect(app.frame()).toContain(`cannot unblock: ${reason}`);
		expect(app.audit).toEqual([
			{action: 'block', target: 'alice-phone', outcome: 'refused', detail: `cannot block: ${reason}`, broker: 'mqtt://broker.test:1883'},
			{
				action: 'unblock',
				target: 'alice-phone',
				outcome: 'refused',
				detail: `cannot unblock: ${reason}`,
				broker: 'mqtt://broker.test:1883',
			},
		]);
		// Kick still works, by takeover: harmless for alice-phone's clean session, so one y.
		await app.press('K');
		expect(app.frame()).toContain('harmless for its clean session');
		await app.press('y');
		await wait(100);
		expect(adapter.calls).toEqual([{method: 'kickByTakeover', target: 'alice-phone'}]);
	});

	it('refuses to act when the audit log cannot be written', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter, {
			auditReady: async () => {
				throw new Error('cannot write the audit log /nope/audit.log (EACCES): restart with --audit-log PATH');
			},
		});
		await wait();
		await app.press('B', 'y');
		await wait(100);
		expect(adapter.calls).toEqual([]);
		expect(app.frame()).toContain('nothing done: cannot write the audit log /nope/audit.log');
	});

	it('unblocks from the detail view, acting on that client only', async () => {
		const store = fleet();
		store.setAccountDisabled('bob', true);
		const adapter = fakeAdapter(store);
		const app = renderApp(adapter, {rows: 40});
		await wait();
		await app.press(' '); // a mark elsewhere must not matter in the detail view
		await app.press('j', keys.enter);
		expect(app.frame()).toMatch(/Client ID\s+bob-gw/);
		await app.press('U');
		expect(app.frame()).toContain('enables username bob again');
		await app.press('y');
		await wait(100);
		expect(adapter.calls).toEqual([{method: 'unblock', target: 'bob'}]);
		expect(app.frame()).toMatch(/Client ID\s+bob-gw/);
	});
});
