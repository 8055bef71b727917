// TIME as an operator types it for `--at`: ISO 8601 (local time when it names no zone, as a
// person reading a wall clock means), Unix seconds, a time of day today, or an offset back from
// now. Pure: `now` is given, so the same text always means the same instant in a test.

export type ParsedTime = {ok: true; time: number} | {ok: false; error: string};

const units: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:\s*(Z|z|[+-]\d{2}(?::?\d{2})?))?$/;
const timeOfDayPattern = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

const explain = 'use ISO 8601 (2026-12-02T09:00, with or without a zone), Unix seconds, HH:MM today, or -15m / -2h / -30s / -1d';

function fail(text: string, why: string): ParsedTime {
	return {ok: false, error: `'${text}' is not a time: ${why} (${explain})`};
}

/** Minutes east of UTC, from `Z`, `+01`, `+0130` or `+01:30`. */
function zoneOffset(zone: string): number | undefined {
	if (zone === 'Z' || zone === 'z') return 0;
	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
	if (hours > 23 || minutes > 59) return undefined;
	return sign * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseIso(text: string, match: RegExpMatchArray): ParsedTime {
	const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	if (month < 1 || month > 12) return fail(text, `month ${mo} does not exist`);
	if (day < 1 || day > daysIn(year, month)) return fail(text, `day ${d} does not exist in that month`);
	if (hour > 23 || minute > 59 || second > 59) return fail(text, 'hour, minute or second out of range');
	const ms = fraction === '' ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
	if (zone === undefined) return {ok: true, time: new Date(year, month - 1, day, hour, minute, second, ms).getTime()};
	const offset = zoneOffset(zone);
	if (offset === undefined) return fail(text, `zone ${zone} is out of range`);
	return {ok: true, time: Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000};
}

/** `-15m`, `-2h`, `-1h30m`, `-90s`, `-1d`: that long before `now`. */
function parseRelative(text: string, now: number): ParsedTime | undefined {
	if (!/^-(\d+(\.\d+)?[smhd])+$/.test(text)) return undefined;
	let total = 0;
	for (const [, amount, unit] of text.slice(1).matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) total += Number(amount) * units[unit];
	return {ok: true, time: Math.round(now - total)};
}

export function parseTime(input: string, now: number): ParsedTime {
	const text = input.trim();
	if (text === '') return fail(input, 'it is empty');
	const relative = parseRelative(text, now);
	if (relative) return relative;
	if (/^\d+(\.\d+)?$/.test(text)) {
		// Unix seconds, as Mosquitto's own log prefix: milliseconds (13 digits) would be 300 centuries ahead.
		const seconds = Number(text);
		if (text.split('.')[0].length > 11) return fail(text, 'Unix time is in seconds, not milliseconds');
		return {ok: true, time: Math.round(seconds * 1000)};
	}

	const iso = isoPattern.exec(text);
	if (iso) return parseIso(text, iso);
	const clock = timeOfDayPattern.exec(text);
	if (clock) {
		const [, h, m, s = '00'] = clock;
		if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return fail(text, 'hour, minute or second out of range');
		const today = new Date(now);
		return {ok: true, time: new Date(today.getFullYear(), today.getMonth(), today.getDate(), Number(h), Number(m), Number(s)).getTime()};
	}

	if (/^[+]?\d+[smhd]/.test(text)) return fail(text, 'a relative time goes back from now, so it starts with -');
	return fail(text, 'unrecognised format');
}

/** How a moment is shown to the operator: local wall-clock time, to the second. */
export function formatMoment(time: number): string {
	const d = new Date(time);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
