import {describe, expect, it} from 'vitest';
import {checkCounts, countMismatch, mismatchThreshold, type CountCheck, type CountInput} from '../../../source/ui/model/count-check.js';
import {mismatchText} from '../../../source/ui/model/header.js';

const input = (over: Partial<CountInput> = {}): CountInput => ({
	tableOnline: 11,
	brokerConnected: 3,
	selfSeen: false,
	live: true,
	...over,
});

function feed(steps: Array<[number, Partial<CountInput>]>): {check: CountCheck; at: number; last: CountInput} {
	let check: CountCheck | undefined;
	let at = 0;
	let last = input();
	for (const [time, over] of steps) {
		at = time;
		last = input(over);
		check = checkCounts(check, last, at);
	}

	return {check: check!, at, last};
}

describe('table vs broker count', () => {
	it('flags a surplus only once it outlasts the threshold, not counting mqtt-top itself', () => {
		const early = feed([
			[0, {}],
			[4000, {}],
		]);
		expect(countMismatch(early.check, early.last, early.at)).toBeUndefined();
		const late = feed([
			[0, {}],
			[6000, {}],
		]);
		expect(countMismatch(late.check, late.last, late.at)).toEqual({table: 11, broker: 2, forMs: 6000});
	});

	it('agrees when the only difference is mqtt-top, and when the table lists mqtt-top too', () => {
		let r = feed([
			[0, {tableOnline: 2, brokerConnected: 3}],
			[60_000, {tableOnline: 2, brokerConnected: 3}],
		]);
		expect(countMismatch(r.check, r.last, r.at)).toBeUndefined();
		r = feed([
			[0, {tableOnline: 3, brokerConnected: 3, selfSeen: true}],
			[60_000, {tableOnline: 3, brokerConnected: 3, selfSeen: true}],
		]);
		expect(countMismatch(r.check, r.last, r.at)).toBeUndefined();
	});

	it('starts over when the difference clears or changes sides, and ignores counts while not live', () => {
		let r = feed([
			[0, {}],
			[3000, {tableOnline: 2}],
			[4000, {}],
			[8000, {}],
		]);
		expect(countMismatch(r.check, r.last, r.at)).toBeUndefined();
		r = feed([
			[0, {tableOnline: 1}],
			[3000, {}],
			[7000, {}],
		]);
		expect(countMismatch(r.check, r.last, r.at)).toBeUndefined();
		r = feed([
			[0, {live: false}],
			[30_000, {live: false}],
		]);
		expect(countMismatch(r.check, r.last, r.at)).toBeUndefined();
	});

	it('waits longer when the broker publishes its counts rarely (sys_interval)', () => {
		const r = feed([
			[0, {uptime: 100}],
			[10_000, {uptime: 110}],
			[12_000, {uptime: 110}],
		]);
		expect(mismatchThreshold(r.check)).toBe(21_000);
	});

	it('says which way the table is wrong', () => {
		expect(mismatchText({table: 11, broker: 2, forMs: 8000})).toBe(
			'⚠ table shows 11 online, broker says 2 (for 8s): 9 listed online may be gone (missed disconnects)',
		);
		expect(mismatchText({table: 3, broker: 9, forMs: 12_000})).toContain('6 connected without mqtt-top seeing them');
	});
});
