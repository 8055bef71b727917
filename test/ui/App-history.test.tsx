// Time travel in the monitor, on what it recorded itself (a broker without a log file).
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {HistorySource} from '../../source/history/history-source.js';
import {SessionStore} from '../../source/model/session-store.js';
import {connect, disconnect, t0} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

/** Rows of the table by client ID, in screen order, with their marks. */
function tableRows(frame: string): string[] {
	const lines = frame.split('\n');
	const heading = lines.findIndex((line) => line.includes('Client ID'));
	return lines
		.slice(heading + 1)
		.filter((line) => /\s(online|offline\??|blocked)\s/.test(line))
		.map((line) => {
			const [, plus, id] = /^[> ]?\s?(\+)?\s*(\S+)/.exec(line)!;
			return plus ? `+ ${id}` : id;
		});
}

describe('the monitor in history', () => {
	function setUp() {
		let now = t0 - 1000;
		const clock = () => now;
		const store = new SessionStore();
		// Recording starts with the monitor, before anything happens.
		const source = new HistorySource({name: store.node, store}, clock);
		connect(store, [{id: 'gw-a'}, {id: 'gw-b'}], t0);
		disconnect(store, 'gw-a', t0 + 90_000);
		connect(store, [{id: 'gw-c'}], t0 + 95_000);
		now = t0 + 150_000;
		const app = renderApp(fakeAdapter(store), {clock, history: [source]});
		return {app, store, source};
	}

	it('t freezes the table at now, [ steps a minute back, K is refused there, Esc goes live', async () => {
		const {app, source} = setUp();
		await wait();
		expect(app.frame()).not.toContain('HISTORY');
		expect(tableRows(app.frame())).toEqual(['gw-b', 'gw-c']);

		await app.press('t');
		await wait();
		expect(app.frame()).toMatch(/HISTORY \d{4}-\d\d-\d\d \d\d:\d\d:\d\d +not live; \[ back, \] forward a minute, Esc live/);
		// The broker's count belongs to now: the header must not put it beside a past table, nor say it waits for one.
		expect(app.frame()).toContain("connected ? (the broker's count is not in the history)");
		expect(app.frame()).toMatch(/recorded by mqtt-top since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);

		await app.press('[');
		await wait();
		// At t0 + 90 s: gw-a left at that very second (and is gone, a clean session); gw-c is still to come.
		expect(app.frame()).toContain('±1 min: 1 connected, 1 left');
		expect(tableRows(app.frame())).toEqual(['gw-b']);

		await app.press('[');
		await wait();
		// At t0 + 30 s: both early devices online, connected within the minute: marked +, the newest change first.
		expect(tableRows(app.frame())).toEqual(['+ gw-b', '+ gw-a']);
		expect(app.frame()).toContain('sort: change time');

		await app.press('K');
		expect(app.frame()).toContain('kick is off in history: the table is not live');
		expect(app.frame()).not.toContain('Kick?');

		await app.press(keys.escape);
		await wait();
		expect(app.frame()).not.toContain('HISTORY');
		expect(tableRows(app.frame())).toEqual(['gw-b', 'gw-c']);
		source.close();
	});

	it('] past now goes live; [ before the history begins stops at its start', async () => {
		const {app, source} = setUp();
		await wait();
		await app.press('t', ']');
		await wait();
		expect(app.frame()).not.toContain('HISTORY');
		expect(app.frame()).toContain('back to live');

		await app.press('[', '[', '[', '[');
		await wait();
		expect(app.frame()).toContain('nothing older to show');
		// Recording began a second before the first connect: nobody was online yet.
		expect(tableRows(app.frame())).toEqual([]);
		source.close();
	});

	it('events keep being collected while history is shown', async () => {
		const {app, store, source} = setUp();
		await wait();
		await app.press('[');
		await wait();
		expect(app.frame()).toContain('HISTORY');
		connect(store, [{id: 'gw-late'}], t0 + 149_000);
		await wait();
		expect(app.frame()).not.toContain('gw-late');
		await app.press(keys.escape);
		await wait();
		expect(tableRows(app.frame())).toContain('gw-late');
		source.close();
	});
});
