import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {Scheduler} from '../../source/demo/scheduler.js';

describe('the fleet scheduler', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	test('runs callbacks in due order with one timer, skips cancelled ones, and survives a throwing one', () => {
		const scheduler = new Scheduler(() => Date.now());
		const ran: string[] = [];
		for (const [ms, name] of [
			[300, 'c'],
			[100, 'a'],
			[200, 'b'],
			[250, 'x'],
			[400, 'd'],
		] as const) {
			const entry = scheduler.after(ms, () => {
				if (name === 'b') throw new Error('boom');
				ran.push(name);
			});
			if (name === 'x') scheduler.cancel(entry);
		}

		expect(vi.getTimerCount()).toBe(1);
		vi.advanceTimersByTime(350);
		expect(ran).toEqual(['a', 'c']);
		scheduler.after(10, () => ran.push('e'));
		vi.advanceTimersByTime(100);
		expect(ran).toEqual(['a', 'c', 'e', 'd']);
	});

	test('stop drops everything and refuses more', () => {
		const scheduler = new Scheduler(() => Date.now());
		const ran: number[] = [];
		scheduler.after(10, () => ran.push(1));
		scheduler.stop();
		scheduler.after(10, () => ran.push(2));
		vi.advanceTimersByTime(100);
		expect(ran).toEqual([]);
		expect(vi.getTimerCount()).toBe(0);
	});
});
