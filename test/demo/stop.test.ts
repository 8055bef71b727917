import {existsSync} from 'node:fs';
import net from 'node:net';
import {describe, expect, test} from 'vitest';
import {timing} from '../../source/demo/device.js';
import {startDemo} from '../../source/demo/index.js';
import {eventually, onlineOf, openMonitor, refusesConnections, sleep} from './support.js';

/** Sockets, servers and timers alive in this process (the embedded broker and fleet all live here). */
function resources(): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
	return {tcp: (counts.TCPSocketWrap ?? 0) + (counts.TCPServerWrap ?? 0), timers: counts.Timeout ?? 0};
}

describe('stopping the demo', () => {
	test('the embedded broker, every device and timer end', async () => {
		const baseline = resources();
		const demo = await startDemo({broker: 'embedded', clients: 20});
		const adapter = await openMonitor(demo);
		await eventually(() => onlineOf(adapter).length >= 15, 'the fleet online', 10_000);
		expect(resources().tcp).toBeGreaterThan(baseline.tcp + 30);
		await adapter.close();
		await demo.stop();
		await demo.stop(); // twice is harmless
		expect(await refusesConnections(demo.port)).toBe(true);

		// No device is left trying to come back: listen where the broker was, longer than any back-off.
		let knocks = 0;
		const trap = net.createServer((socket) => {
			knocks++;
			socket.destroy();
		});
		await new Promise<void>((resolve) => trap.listen(demo.port, '127.0.0.1', resolve));
		await sleep(Math.max(timing.reconnect[1], timing.refusedRetry[1]) + 500);
		await new Promise((resolve) => trap.close(resolve));
		expect(knocks).toBe(0);

		await eventually(
			() => {
				const now = resources();
				return now.tcp <= baseline.tcp && now.timers <= baseline.timers;
			},
			`sockets and timers back to ${JSON.stringify(baseline)} (now ${JSON.stringify(resources())})`,
			5000,
		);
	}, 20_000);

	test('Mosquitto is stopped and its temp dir removed', async () => {
		const lines: string[] = [];
		const demo = await startDemo({broker: 'mosquitto', clients: 5, log: (line) => lines.push(line)});
		const dir = /in (\S+mqtt-top-demo-\S+?)\)/.exec(lines.join('\n'))?.[1];
		expect(dir, lines.join('\n')).toBeDefined();
		expect(existsSync(`${dir}/mosquitto.conf`)).toBe(true);
		const adapter = await openMonitor(demo);
		await eventually(() => onlineOf(adapter).length >= 3, 'the fleet online', 10_000);
		await adapter.close();
		await demo.stop();
		expect(existsSync(dir!)).toBe(false);
		expect(await refusesConnections(demo.port)).toBe(true);
	}, 20_000);
});
