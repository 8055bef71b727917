import {describe, expect, test} from 'vitest';
import {Poller} from '../../../source/broker/http/poller.js';

function scripted(results: (true | string)[]) {
	let round = 0;
	return {
		get rounds() {
			return round;
		},
		async run(): Promise<void> {
			const result = results[Math.min(round++, results.length - 1)];
			if (result !== true) throw new Error(result);
		},
	};
}

describe('Poller', () => {
	test('a first round that fails is thrown to the caller (who exits with it), and nothing is scheduled', async () => {
		const script = scripted(['refused']);
		const poller = new Poller({intervalMs: 10, round: () => script.run()});
		await expect(poller.start()).rejects.toThrow('refused');
		await new Promise((resolve) => setTimeout(resolve, 40));
		expect(script.rounds).toBe(1);
	});

	test('failures mark it reconnecting from the first loss, counting attempts; a success makes it connected', async () => {
		let now = 1000;
		const script = scripted([true, 'down 1', 'down 2', true]);
		const poller = new Poller({intervalMs: 60_000, round: () => script.run(), now: () => now, random: () => 0.5});
		await poller.start();
		expect(poller.connection()).toEqual({state: 'connected'});
		const seen: string[] = [];
		poller.onConnectionChange((s) => seen.push(s.state));

		now = 2000;
		expect(await poller.refreshNow()).toBe(false);
		expect(poller.connection()).toMatchObject({state: 'reconnecting', lostAt: 2000, attempts: 0, detail: 'down 1', retryAt: 62_000});
		now = 3000;
		await poller.refreshNow();
		expect(poller.connection()).toMatchObject({state: 'reconnecting', lostAt: 2000, attempts: 1, detail: 'down 2'});
		now = 4000;
		expect(await poller.refreshNow()).toBe(true);
		expect(poller.connection().state).toBe('connected');
		expect(seen).toEqual(['reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'connected']);
		poller.close();
	});

	test('rounds never overlap: a refresh during a round waits for it, then runs its own', async () => {
		let inFlight = 0;
		let most = 0;
		const poller = new Poller({
			intervalMs: 60_000,
			round: async () => {
				inFlight++;
				most = Math.max(most, inFlight);
				await new Promise((resolve) => setTimeout(resolve, 20));
				inFlight--;
			},
		});
		await poller.start();
		await Promise.all([poller.refreshNow(), poller.refreshNow(), poller.refreshNow()]);
		expect(most).toBe(1);
		poller.close();
	});

	test('polls on its own, and close() stops it and says closed', async () => {
		const script = scripted([true]);
		const poller = new Poller({intervalMs: 20, round: () => script.run()});
		await poller.start();
		await new Promise((resolve) => setTimeout(resolve, 90));
		expect(script.rounds).toBeGreaterThanOrEqual(3);
		poller.close();
		const after = script.rounds;
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(script.rounds).toBe(after);
		expect(poller.connection().state).toBe('closed');
		expect(await poller.refreshNow()).toBe(false);
	});
});
