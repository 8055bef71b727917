import {describe, expect, test} from 'vitest';
import {defaultSearchPath, detectMosquitto} from '../../source/demo/detect.js';
import {startDemo} from '../../source/demo/index.js';
import {UserError} from '../../source/errors.js';
import {eventually, openMonitor, session} from './support.js';

const hidden = '/nonexistent-mqtt-top-test';

describe('choosing the demo broker', () => {
	test('this machine has a usable Mosquitto (these tests need it; install mosquitto and mosquitto-clients)', () => {
		const detection = detectMosquitto();
		expect(detection.install, 'reason' in detection ? detection.reason : '').toBeDefined();
		expect(detection.install!.version).toMatch(/^2\.\d+\.\d+$/);
	});

	test('auto picks the installed Mosquitto and names it in the label', async () => {
		const demo = await startDemo({clients: 3});
		try {
			expect(demo.flavour).toBe('mosquitto');
			expect(demo.brokerLabel).toBe(`demo: Mosquitto ${detectMosquitto().install!.version}`);
		} finally {
			await demo.stop();
		}
	}, 20_000);

	test('auto falls back to the embedded broker when Mosquitto is not on the search path, and it still works', async () => {
		const lines: string[] = [];
		const demo = await startDemo({clients: 3, searchPath: hidden, log: (line) => lines.push(line)});
		const adapter = await openMonitor(demo);
		try {
			expect(demo.flavour).toBe('aedes');
			expect(demo.brokerLabel).toMatch(/^demo: embedded aedes \d+\.\d+\.\d+$/);
			expect(lines.join('\n')).toMatch(/mosquitto is not on PATH.*embedded aedes/);
			await eventually(() => session(adapter, 'kitchen thermostat 7')?.status === 'online', 'the thermostat online', 10_000);
		} finally {
			await adapter.close();
			await demo.stop();
		}
	}, 20_000);

	test('forcing Mosquitto where there is none says what to install', async () => {
		const started = startDemo({broker: 'mosquitto', searchPath: hidden});
		await expect(started).rejects.toBeInstanceOf(UserError);
		await expect(started).rejects.toThrow(/mosquitto is not on PATH.*apt-get install mosquitto/);
	});

	test('the default search path adds the sbin directories to PATH', () => {
		expect(defaultSearchPath({PATH: '/opt/bin'}).split(':')).toEqual(['/opt/bin', '/usr/sbin', '/usr/local/sbin', '/sbin']);
		expect(detectMosquitto(hidden)).toEqual({reason: 'mosquitto is not on PATH or in /usr/sbin'});
	});

	test('the fleet size is checked', async () => {
		await expect(startDemo({clients: 0})).rejects.toThrow(/--demo-clients: 0 is not a whole number from 1 to 10000/);
		await expect(startDemo({clients: 2.5})).rejects.toBeInstanceOf(UserError);
	});
});
