import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {keymap} from '../../source/ui/keymap.js';
import {storeWith} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

const squash = (text: string) => text.replace(/\s+/g, ' ');

describe('help view', () => {
	it('lists every keymap entry with its keys and description', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'c1'}])), {rows: 200, columns: 200});
		await wait();
		await app.press('?');
		const frame = squash(app.frame());
		for (const binding of keymap) expect(frame).toContain(`${binding.label} ${binding.description}`);
		await app.press(keys.escape);
		expect(app.frame()).toContain('Client ID▲');
	});

	it('scrolls on a small screen and closes with ?', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'c1'}])), {rows: 20, columns: 80});
		await wait();
		await app.press('?');
		expect(app.frame()).toContain('mqtt-top keys');
		expect(app.frame()).not.toContain('Filter language');
		await app.press('G');
		expect(app.frame()).toContain('Filter language');
		await app.press('?');
		expect(app.frame()).toContain('Client ID');
		expect(app.frame()).not.toContain('Filter language');
	});
});

describe('the broker log in the help', () => {
	it('counts the lines no parser understood and shows the latest, cleaned', async () => {
		const store = storeWith([{id: 'c1'}]);
		store.setBrokerCounter('version', 'mosquitto version 2.1.2');
		store.apply({type: 'unknown', time: 0, line: 'Plugin builtin-security has registered'});
		store.apply({type: 'unknown', time: 0, line: 'weird \u001b[2J line'});
		const app = renderApp(fakeAdapter(store), {rows: 200, columns: 120});
		await wait();
		await app.press('?');
		const frame = squash(app.frame());
		expect(frame).toContain('mosquitto version 2.1.2 · ');
		expect(frame).toContain('2 log lines not understood');
		expect(frame).toContain('latest: weird \\x1b[2J line');
	});
});

describe('read-only mode', () => {
	it('removes kick, block and unblock from the footer, the help and the keyboard', async () => {
		const adapter = fakeAdapter(storeWith([{id: 'alice-phone', user: 'alice'}]));
		const app = renderApp(adapter, {config: {readOnly: true}, columns: 200, rows: 200});
		await wait();
		const footer = app.lines().at(-1)!;
		expect(footer).toContain('READ-ONLY');
		expect(footer).not.toMatch(/\bK kick|B block|U unblock/);
		await app.press('K', 'y', 'B', 'y', 'U', 'y');
		await wait(100);
		expect(app.frame()).not.toMatch(/Kick\?|Block\?|Unblock\?/);
		expect(adapter.calls).toEqual([]);
		await app.press('?');
		const help = squash(app.frame());
		expect(help).toContain('read-only');
		for (const binding of keymap.filter((b) => b.writes)) expect(help).not.toContain(binding.description);
		expect(help).toContain('quit');
	});

	it('shows the keys in the footer when not read-only', async () => {
		const app = renderApp(fakeAdapter(storeWith([{id: 'c1'}])), {columns: 200});
		await wait();
		const footer = app.lines().at(-1)!;
		expect(footer).toContain('K kick');
		expect(footer).toContain('B block');
		expect(footer).toContain('? help');
		expect(footer).not.toContain('READ-ONLY');
	});
});
