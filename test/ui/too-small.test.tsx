// Below the size a view needs, the monitor says so and takes no action keys: a confirmation that
// cannot show whom it affects must not be confirmable.
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {fakeAdapter} from './support/fake-adapter.js';
import {storeWith} from './support/fixtures.js';
import {renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

const fleet = () =>
	storeWith([
		{id: 'alice-phone', user: 'alice'},
		{id: 'alice-tablet', user: 'alice', clean: false},
		{id: 'bob-gw', user: 'bob'},
	]);

/** The frame as one line of words, without the dialog's border. */
const flat = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

describe('a dialog larger than the terminal', () => {
	it('at 40×10 the kick dialog says "terminal too small" and y does nothing', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter, {columns: 40, rows: 10});
		await wait();
		expect(app.frame()).toContain('alice-phone');
		await app.press('K');
		expect(flat(app.frame())).toMatch(/terminal too small: 40×10, needs \d+×\d+ The kick dialog cannot show whom it affects, so y is off/);
		expect(app.frame()).not.toContain('Press y');
		await app.press('y', 'Y');
		await wait(100);
		expect(adapter.calls).toEqual([]);
		expect(app.audit).toEqual([]);
		// Still the dialog, still refusing: y neither confirmed nor cancelled it.
		expect(flat(app.frame())).toContain('terminal too small: 40×10');
		await app.press('n');
		expect(app.frame()).toContain('kick cancelled');
		expect(adapter.calls).toEqual([]);
	});

	it('the size it asks for is enough: there the dialog shows whom it affects, and y works', async () => {
		const small = renderApp(fakeAdapter(fleet()), {columns: 40, rows: 10});
		await wait();
		await small.press('B');
		const [, columns, rows] = /needs (\d+)×(\d+)/.exec(flat(small.frame()))!.map(Number);
		cleanup();

		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter, {columns, rows});
		await wait();
		await app.press('B');
		const frame = flat(app.frame());
		expect(frame).not.toContain('terminal too small');
		expect(frame).toContain('disconnects 2 sessions');
		expect(frame).toContain('• alice-phone');
		expect(frame).toContain('• alice-tablet');
		expect(frame).toContain('Press y to confirm');
		await app.press('y');
		await wait(100);
		expect(adapter.calls).toEqual([{method: 'block', target: 'alice'}]);
	});

	it('a client ID longer than the dialog is shown whole, over several lines', async () => {
		const long = `sensor-${'x'.repeat(120)}-end`;
		const adapter = fakeAdapter(storeWith([{id: long, user: 'carol'}]));
		const app = renderApp(adapter, {columns: 80, rows: 30});
		await wait();
		await app.press('K');
		const text = app
			.lines()
			.map((l) => l.replace(/^[│ ]+|[│ ]+$/g, ''))
			.join('');
		expect(text).toContain(`• ${long}`.replace(/ /g, ''));
		expect(app.frame()).toContain('Press y to confirm');
	});
});

describe('a terminal smaller than the monitor', () => {
	it('says so and takes no key but quit', async () => {
		const adapter = fakeAdapter(fleet());
		const app = renderApp(adapter, {columns: 24, rows: 6});
		await wait();
		expect(flat(app.frame())).toMatch(/terminal too small: 24×6, needs 31×\d+ mqtt-top cannot draw its table/);
		await app.press('K', 'y', 'B', 'y');
		await wait(100);
		expect(adapter.calls).toEqual([]);
		expect(flat(app.frame())).toContain('terminal too small: 24×6');
	});
});
