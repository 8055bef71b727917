import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {displayWidth, fit, truncate, truncateMiddle, wrap} from '../../source/ui/text.js';
import {formatDuration, formatRate, sparkline} from '../../source/ui/format.js';

describe('text cells', () => {
	it('counts wide characters as two cells and combining marks as none', () => {
		expect(displayWidth('abc')).toBe(3);
		expect(displayWidth('台所')).toBe(4);
		expect(displayWidth('e\u0301')).toBe(1);
		expect(displayWidth('🔥x')).toBe(3);
	});

	it("gives the width library's answer for texts measured again, in any order, past what it keeps", () => {
		const pieces = ['台', '🔥', 'e\u0301', '●', '·', '▁', 'a', '🇩🇪', '👩\u200d💻', '\u200b'];
		let x = 3;
		const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
		const texts = Array.from({length: 6000}, (_, i) => `${pieces[i % pieces.length]}${pieces[Math.floor(next() * pieces.length)]}${i}`);
		// Three rounds over more texts than the two generations hold, each in another order.
		for (let round = 0; round < 3; round++) {
			for (let i = 0; i < texts.length; i++) {
				const text = texts[Math.floor(next() * texts.length)];
				expect(displayWidth(text), text).toBe(stringWidth(text));
			}
		}

		expect(displayWidth('🔥'.repeat(300))).toBe(600);
	});

	it('truncates with an ellipsis and pads to an exact width', () => {
		expect(truncate('abcdef', 4)).toBe('abc…');
		expect(truncate('abc', 4)).toBe('abc');
		expect(fit('台所台所', 5)).toBe('台所…');
		expect(displayWidth(fit('台所台所', 5))).toBe(5);
		expect(fit('7', 3, 'right')).toBe('  7');
	});

	it('wraps at spaces, and hard-wraps words longer than the line', () => {
		expect(wrap('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
		expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
	});
});

describe('formats', () => {
	it('formats durations compactly', () => {
		expect(formatDuration(42_000)).toBe('42s');
		expect(formatDuration(192_000)).toBe('3m12s');
		expect(formatDuration((5 * 3600 + 7 * 60) * 1000)).toBe('5h07m');
		expect(formatDuration((4 * 86400 + 2 * 3600) * 1000)).toBe('4d02h');
		expect(formatDuration(400 * 86400_000)).toBe('400d');
	});

	it('formats rates', () => {
		expect(formatRate(0)).toBe('0');
		expect(formatRate(1 / 60)).toBe('0.02');
		expect(formatRate(2.34)).toBe('2.3');
		expect(formatRate(123.4)).toBe('123');
	});

	it('draws a sparkline with the newest seconds last', () => {
		const series = Array.from({length: 60}, (_, i) => (i >= 55 ? 10 : 0));
		const line = sparkline(series, 12);
		expect([...line]).toHaveLength(12);
		expect(line.at(-1)).toBe('█');
		expect(line[0]).toBe('▁');
		expect(sparkline(new Array(60).fill(0), 12)).toBe('▁'.repeat(12));
	});
});

describe('truncateMiddle', () => {
	it('keeps both ends, so node names of one host still differ by their port', () => {
		expect(truncateMiddle('127.0.0.1:18831', 10)).toBe('127.…18831');
		expect(truncateMiddle('127.0.0.1:18832', 10)).not.toBe(truncateMiddle('127.0.0.1:18831', 10));
		expect(truncateMiddle('short', 10)).toBe('short');
		expect(displayWidth(truncateMiddle('節點-東京-一號機:1883', 9))).toBeLessThanOrEqual(9);
	});
});
