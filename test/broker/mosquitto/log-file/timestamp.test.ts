import {describe, expect, test} from 'vitest';
import {
	compileStrftime,
	createLineClock,
	detectTimestampFormat,
	TimestampFormatError,
} from '../../../../source/broker/mosquitto/log-file/timestamp.js';

/** [message start, time] for one line, as the parser sees it. */
function split(format: string, line: string, now = Date.UTC(2026, 10, 22, 12)): [string, number] {
	const clock = createLineClock(format, () => now);
	const at = clock.split(line, 0, line.length);
	return [at < 0 ? '<none>' : line.slice(at), clock.time];
}

describe('Unix seconds (the default)', () => {
	test('splits at the first ": " after the digits, whatever the message holds', () => {
		expect(split('unix', '1795313850: Client gw-01 disconnected: Connection reset by peer.')).toEqual([
			'Client gw-01 disconnected: Connection reset by peer.',
			1_795_313_850_000,
		]);
	});

	test('the cached prefix of one second is not reused for the next', () => {
		const clock = createLineClock('unix');
		const text = '1795313850: a\n1795313851: b\n1795313851: c';
		const times: number[] = [];
		let start = 0;
		for (const line of text.split('\n')) {
			clock.split(text, start, start + line.length);
			times.push(clock.time);
			start += line.length + 1;
		}

		expect(times).toEqual([1_795_313_850_000, 1_795_313_851_000, 1_795_313_851_000]);
	});

	test('a line without the prefix is reported as such', () => {
		expect(split('unix', 'New connection from 1.2.3.4:5 on port 1883.')[0]).toBe('<none>');
		expect(split('unix', '12ab: x')[0]).toBe('<none>');
	});
});

describe('strftime formats (log_timestamp_format)', () => {
	test('ISO local time, as localtime() wrote it', () => {
		expect(split('%Y-%m-%dT%H:%M:%S', '2026-11-22T02:32:37: New connection from 127.0.0.1:37080 on port 1883.')).toEqual([
			'New connection from 127.0.0.1:37080 on port 1883.',
			new Date(2026, 10, 22, 2, 32, 37).getTime(),
		]);
	});

	test('%z makes the time absolute, whatever the local zone', () => {
		expect(split('%Y-%m-%dT%H:%M:%S%z', '2026-11-22T02:32:37+0130: x')[1]).toBe(Date.UTC(2026, 10, 22, 1, 2, 37));
		expect(split('%F %T %z', '2026-11-22 02:32:37 -0500: x')[1]).toBe(Date.UTC(2026, 10, 22, 7, 32, 37));
	});

	test('composites, literals, %y, %j, %e, %b and %s', () => {
		expect(split('[%F %T]', '[2026-11-22 02:32:37]: x')).toEqual(['x', new Date(2026, 10, 22, 2, 32, 37).getTime()]);
		expect(split('%d/%m/%y %H:%M:%S', '05/01/27 10:00:00: x')[1]).toBe(new Date(2027, 0, 5, 10).getTime());
		expect(split('%Y %j %T', '2026 032 10:00:00: x')[1]).toBe(new Date(2026, 1, 1, 10).getTime());
		expect(split('%b %e %Y %T', 'Feb  3 2026 10:00:00: x')[1]).toBe(new Date(2026, 1, 3, 10).getTime());
		expect(split('%s', '1795313850: x')[1]).toBe(1_795_313_850_000);
	});

	test('without a year, a date later than now belongs to last year', () => {
		const now = new Date(2027, 0, 2, 12).getTime();
		expect(split('%b %e %T', 'Dec 31 23:59:59: x', now)[1]).toBe(new Date(2026, 11, 31, 23, 59, 59).getTime());
		expect(split('%b %e %T', 'Jan  2 11:00:00: x', now)[1]).toBe(new Date(2027, 0, 2, 11).getTime());
	});

	test('a line in another format is not cut', () => {
		expect(split('%Y-%m-%dT%H:%M:%S', '1795313850: x')[0]).toBe('<none>');
		expect(split('%Y-%m-%dT%H:%M:%S', '2026-13-22T02:32:37: x')[0]).toBe('<none>');
	});

	test('directives that cannot be read back are refused up front', () => {
		expect(() => compileStrftime('%Y %Q')).toThrow(TimestampFormatError);
		expect(() => compileStrftime('%Y %')).toThrow(TimestampFormatError);
	});
});

describe('log_timestamp false', () => {
	test('the whole line is the message and the time is left to the reader', () => {
		const clock = createLineClock('none');
		expect(clock.timed).toBe(false);
		expect(clock.split('Client a disconnected.', 0, 22)).toBe(0);
	});
});

describe('detection', () => {
	const messages = [
		'mosquitto version 2.0.11 starting',
		'Config loaded from m.conf.',
		'New connection from 127.0.0.1:37080 on port 1883.',
		'New client connected from 127.0.0.1:37080 as pub one (p2, c1, k60).',
		'Client pub one disconnected.',
	];

	test.each([
		['unix', (m: string) => `1795313850: ${m}`],
		['%Y-%m-%dT%H:%M:%S', (m: string) => `2026-11-22T02:32:37: ${m}`],
		['%Y-%m-%dT%H:%M:%S%z', (m: string) => `2026-11-22T02:32:37+0100: ${m}`],
		['%Y-%m-%d %H:%M:%S', (m: string) => `2026-11-22 02:32:37: ${m}`],
		['none', (m: string) => m],
		['opaque', (m: string) => `22.11.2026 02:32:37: ${m}`],
	])('%s', (format, write) => {
		expect(detectTimestampFormat(messages.map(write))).toBe(format);
	});

	test('an opaque prefix that Date.parse understands still gives a time', () => {
		expect(split('opaque', 'Nov 22 2026 02:32:37 GMT+0000: x')).toEqual(['x', Date.UTC(2026, 10, 22, 2, 32, 37)]);
	});
});
