import {afterEach, describe, expect, it, vi} from 'vitest';
import {buildConfig} from '../../source/config.js';
import {runMonitor} from '../../source/commands/monitor.js';
import {fakeAdapter} from '../ui/support/fake-adapter.js';
import {storeWith} from '../ui/support/fixtures.js';

const original = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
afterEach(() => {
	vi.restoreAllMocks();
	if (original) Object.defineProperty(process.stdout, 'isTTY', original);
	else delete (process.stdout as {isTTY?: boolean}).isTTY;
});

describe('runMonitor', () => {
	it('without a terminal, points to `mqtt-top list` and exits 2 without connecting', async () => {
		// As when piped (`mqtt-top | less`), whether or not the tests themselves run on a terminal.
		Object.defineProperty(process.stdout, 'isTTY', {value: false, configurable: true});
		const errors: string[] = [];
		vi.spyOn(process.stderr, 'write').mockImplementation((data) => errors.push(String(data)) > 0);
		const adapter = fakeAdapter(storeWith([{id: 'c1'}]));
		const close = vi.spyOn(adapter.node, 'close');
		// Port 1 would fail to connect: the check must come first.
		const code = await runMonitor(buildConfig({host: '127.0.0.1', port: 1}));
		expect(code).toBe(2);
		expect(errors.join('')).toMatch(/^mqtt-top: the live monitor needs a terminal; .*`mqtt-top list`.*\n$/);
		expect(errors).toHaveLength(1);
		expect(await runMonitor(buildConfig({}), {nodes: [adapter]})).toBe(2);
		expect(close).not.toHaveBeenCalled();
	});
});
