import {describe, expect, it} from 'vitest';
import {formatCount} from '../../source/ui/format.js';

describe('formatCount', () => {
	it('keeps counts below ten thousand whole, then shortens to at most five cells', () => {
		const cases: Array<[number, string]> = [
			[0, '0'],
			[7, '7'],
			[9_999, '9999'],
			[10_000, '10.0k'],
			[12_345, '12.3k'],
			[99_949, '99.9k'],
			// 99.95k would round to 100.0k, six cells: the whole number instead.
			[99_950, '100k'],
			[123_456, '123k'],
			[999_499, '999k'],
			[999_500, '1.0M'],
			[4_560_000, '4.6M'],
			[2_000_000_000, '2.0G'],
		];
		for (const [n, text] of cases) {
			expect(formatCount(n)).toBe(text);
			expect(text.length).toBeLessThanOrEqual(5);
		}
	});
});
