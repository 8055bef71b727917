import {describe, expect, test} from 'vitest';
import {cleanText, safeJson} from '../../source/util/sanitize.js';

describe('cleanText', () => {
	test.each([
		['plain id', 'plain id'],
		['Küche 温度 🌡', 'Küche 温度 🌡'],
		['\u001b[2J\u001b]0;owned\u0007', '\\x1b[2J\\x1b]0;owned\\x07'],
		['line\nbreak\ttab\r', 'line\\x0abreak\\x09tab\\x0d'],
		['c1 \u009b31m csi', 'c1 \\x9b31m csi'],
		['del \u007f', 'del \\x7f'],
		['bidi \u202eevil', 'bidi \\u202eevil'],
		['marks \u200e\u200f\u061c isolates \u2066\u2069', 'marks \\u200e\\u200f\\u061c isolates \\u2066\\u2069'],
		['adm\u200bin', 'adm\\u200bin'],
		['zero\u200bwidth\u200cjoin\u200dend\u2060\ufeff\u00ad', 'zero\\u200bwidth\\u200cjoin\\u200dend\\u2060\\ufeff\\xad'],
		['emoji sequences stay whole: 👩‍💻 🏳️‍🌈 👨🏽‍🚀', 'emoji sequences stay whole: 👩‍💻 🏳️‍🌈 👨🏽‍🚀'],
		['a joiner at an end \u200d or after one 🚀\u200dx', 'a joiner at an end \\u200d or after one 🚀\\u200dx'],
	])('%j', (input, expected) => {
		expect(cleanText(input)).toBe(expected);
	});

	test('is stable across calls (no regex lastIndex leaking between strings)', () => {
		expect(cleanText('\u001b')).toBe('\\x1b');
		expect(cleanText('\u001b')).toBe('\\x1b');
	});
});

describe('safeJson', () => {
	test('escapes what a terminal would act on but keeps the data exact', () => {
		const value = {id: 'a\u001bb\u009bc\u202ed'};
		const json = safeJson(value);
		expect(json).toBe('{"id":"a\\u001bb\\u009bc\\u202ed"}');
		expect(JSON.parse(json)).toEqual(value);
	});
});
