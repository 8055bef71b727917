import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {storeWith} from './support/fixtures.js';
import {fakeAdapter} from './support/fake-adapter.js';
import {keys, renderApp, wait} from './support/render-app.js';

afterEach(() => cleanup());

const fleet = () =>
	storeWith([
		{id: 'alice-phone', user: 'alice', subscriptions: [['home/kitchen/#', 1]]},
		{id: 'bob-gw', user: 'bob', protocol: 5, subscriptions: [['factory/+/temp', 0]]},
		{id: 'carol-tv', user: 'carol'},
	]);

describe('filter prompt', () => {
	it('narrows the table on Enter and clears it on Esc', async () => {
		const app = renderApp(fakeAdapter(fleet()));
		await wait();
		await app.press('/', 'user:alice');
		expect(app.frame()).toContain('filter: user:alice');
		// Typing alone does not filter yet.
		expect(app.frame()).toContain('bob-gw');
		await app.press(keys.enter);
		expect(app.frame()).toContain('alice-phone');
		expect(app.frame()).not.toContain('bob-gw');
		expect(app.frame()).toContain('showing 1 of 3');
		await app.press('/');
		await app.press(keys.escape);
		expect(app.frame()).toContain('bob-gw');
		expect(app.frame()).toContain('filter: none');
	});

	it('says why a query is invalid while typing, and will not apply it', async () => {
		const app = renderApp(fakeAdapter(fleet()));
		await wait();
		await app.press('/', 'colour:red');
		expect(app.frame()).toContain("✗ unknown field 'colour'");
		await app.press(keys.enter);
		expect(app.frame()).toContain("✗ unknown field 'colour'");
		expect(app.frame()).toContain('bob-gw');
		// Fixing it while typing clears the error.
		for (let i = 0; i < 'colour:red'.length; i++) await app.press(keys.backspace);
		await app.press('proto:7');
		expect(app.frame()).toContain("proto: '7' is not 3.1, 3.1.1 or 5.0");
		await app.press(keys.backspace, '5', keys.enter);
		expect(app.frame()).toContain('bob-gw');
		expect(app.frame()).not.toContain('alice-phone');
	});

	it('matches by subscription with topic:', async () => {
		const app = renderApp(fakeAdapter(fleet()));
		await wait();
		await app.press('/', 'topic:factory/line1/temp', keys.enter);
		expect(app.frame()).toContain('bob-gw');
		expect(app.frame()).not.toContain('alice-phone');
		expect(app.frame()).not.toContain('carol-tv');
	});

	it('starts with the --filter given in the config', async () => {
		const app = renderApp(fakeAdapter(fleet()), {config: {filter: '-user:bob'}});
		await wait();
		expect(app.frame()).toContain('filter: -user:bob');
		expect(app.frame()).toContain('alice-phone');
		expect(app.frame()).not.toContain('bob-gw');
	});

	it('takes a pasted query in one piece, Enter included', async () => {
		const app = renderApp(fakeAdapter(fleet()));
		await wait();
		await app.press('/');
		await app.press('user:carol\r');
		expect(app.frame()).toContain('carol-tv');
		expect(app.frame()).not.toContain('alice-phone');
	});
});
