import {describe, expect, test} from 'vitest';
import {formatMoment, parseTime} from '../../source/history/time-spec.js';

const now = Date.UTC(2026, 11, 2, 12, 0, 0);

const time = (text: string) => {
	const parsed = parseTime(text, now);
	if (!parsed.ok) throw new Error(parsed.error);
	return parsed.time;
};

const error = (text: string) => {
	const parsed = parseTime(text, now);
	if (parsed.ok) throw new Error(`'${text}' was accepted as ${new Date(parsed.time).toISOString()}`);
	return parsed.error;
};

describe('parseTime', () => {
	test('ISO 8601 with a zone is that instant', () => {
		expect(time('2026-12-02T09:00:00Z')).toBe(Date.UTC(2026, 11, 2, 9));
		expect(time('2026-12-02T09:00:00+01:00')).toBe(Date.UTC(2026, 11, 2, 8));
		expect(time('2026-12-02T09:00-0530')).toBe(Date.UTC(2026, 11, 2, 14, 30));
		expect(time('2026-12-02T09:00:01.250Z')).toBe(Date.UTC(2026, 11, 2, 9, 0, 1, 250));
	});

	test('ISO 8601 without a zone is local wall-clock time, a bare date its local midnight', () => {
		expect(time('2026-12-02T09:00:00')).toBe(new Date(2026, 11, 2, 9, 0, 0).getTime());
		expect(time('2026-12-02 09:00')).toBe(new Date(2026, 11, 2, 9, 0).getTime());
		expect(time('2026-12-02')).toBe(new Date(2026, 11, 2).getTime());
	});

	test('a time of day is today, local', () => {
		const today = new Date(now);
		expect(time('09:30')).toBe(new Date(today.getFullYear(), today.getMonth(), today.getDate(), 9, 30).getTime());
	});

	test('Unix seconds, as Mosquitto writes them', () => {
		expect(time('1796223600')).toBe(1_796_223_600_000);
		expect(time('1796223600.5')).toBe(1_796_223_600_500);
	});

	test('relative times go back from now', () => {
		expect(time('-15m')).toBe(now - 15 * 60_000);
		expect(time('-2h')).toBe(now - 2 * 3_600_000);
		expect(time('-30s')).toBe(now - 30_000);
		expect(time('-1d')).toBe(now - 86_400_000);
		expect(time('-1h30m')).toBe(now - 90 * 60_000);
	});

	test('bad times are refused with what is accepted', () => {
		expect(error('yesterday')).toMatch(/unrecognised format.*ISO 8601.*Unix seconds.*-15m/);
		expect(error('')).toMatch(/empty/);
		expect(error('2026-13-01T00:00')).toMatch(/month 13/);
		expect(error('2026-02-30')).toMatch(/day 30/);
		expect(error('2026-12-02T25:00')).toMatch(/out of range/);
		expect(error('15m')).toMatch(/starts with -/);
		expect(error('-15x')).toMatch(/unrecognised/);
		expect(error('1796223600000')).toMatch(/seconds, not milliseconds/);
		expect(error('2026-12-02T09:00+25:00')).toMatch(/zone/);
	});
});

test('formatMoment shows local time to the second', () => {
	expect(formatMoment(new Date(2026, 11, 2, 9, 5, 7).getTime())).toBe('2026-12-02 09:05:07');
});
