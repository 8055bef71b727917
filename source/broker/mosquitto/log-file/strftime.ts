// strftime formats read backwards: Mosquitto writes `strftime(log_timestamp_format, localtime(now))`
// before each message, and a monitor replaying the file needs the time back from that text.

/** A format that cannot be read back (an unsupported directive, a lone %). */
export class TimestampFormatError extends Error {}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const fullMonthNames = [
	'january',
	'february',
	'march',
	'april',
	'may',
	'june',
	'july',
	'august',
	'september',
	'october',
	'november',
	'december',
];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const fullDayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export type Fields = {
	year?: number;
	century?: number;
	shortYear?: number;
	month?: number; // 1–12
	day?: number;
	yearDay?: number;
	hour?: number;
	hour12?: number;
	pm?: boolean;
	minute?: number;
	second?: number;
	epoch?: number;
	offsetMinutes?: number;
	// Read so the text is consumed, but they add nothing a date already says.
	weekday?: number;
	week?: number;
	isoYear?: number;
};

export type Token =
	| {kind: 'literal'; text: string}
	| {kind: 'number'; field: keyof Fields; width: number; min: number; max: number}
	| {kind: 'names'; field: 'month' | 'weekday'; names: string[]}
	| {kind: 'ampm'}
	| {kind: 'offset'}
	| {kind: 'zone'}
	| {kind: 'epoch'};

// C-locale expansions of the composite directives (Mosquitto never calls setlocale).
const composites: Record<string, string> = {
	T: '%H:%M:%S',
	F: '%Y-%m-%d',
	D: '%m/%d/%y',
	R: '%H:%M',
	r: '%I:%M:%S %p',
	c: '%a %b %e %H:%M:%S %Y',
	x: '%m/%d/%y',
	X: '%H:%M:%S',
	h: '%b',
};

function numberToken(field: keyof Fields, width: number, min: number, max: number): Token {
	return {kind: 'number', field, width, min, max};
}

function directive(c: string): Token | Token[] {
	switch (c) {
		case 'Y':
			return numberToken('year', 4, 0, 9999);
		case 'C':
			return numberToken('century', 2, 0, 99);
		case 'y':
			return numberToken('shortYear', 2, 0, 99);
		case 'm':
			return numberToken('month', 2, 1, 12);
		case 'd':
		case 'e':
			return numberToken('day', 2, 1, 31);
		case 'j':
			return numberToken('yearDay', 3, 1, 366);
		case 'H':
		case 'k':
			return numberToken('hour', 2, 0, 23);
		case 'I':
		case 'l':
			return numberToken('hour12', 2, 1, 12);
		case 'M':
			return numberToken('minute', 2, 0, 59);
		case 'S':
			return numberToken('second', 2, 0, 60);
		case 'u':
		case 'w':
			return numberToken('weekday', 1, 0, 7);
		case 'U':
		case 'W':
		case 'V':
			return numberToken('week', 2, 0, 53);
		case 'G':
			return numberToken('isoYear', 4, 0, 9999);
		case 'g':
			return numberToken('isoYear', 2, 0, 99);
		case 'b':
			return {kind: 'names', field: 'month', names: monthNames};
		case 'B':
			return {kind: 'names', field: 'month', names: fullMonthNames};
		case 'a':
			return {kind: 'names', field: 'weekday', names: dayNames};
		case 'A':
			return {kind: 'names', field: 'weekday', names: fullDayNames};
		case 'p':
		case 'P':
			return {kind: 'ampm'};
		case 'z':
			return {kind: 'offset'};
		case 'Z':
			return {kind: 'zone'};
		case 's':
			return {kind: 'epoch'};
		case 'n':
			return {kind: 'literal', text: '\n'};
		case 't':
			return {kind: 'literal', text: '\t'};
		case '%':
			return {kind: 'literal', text: '%'};
		default: {
			const expansion = composites[c];
			if (expansion !== undefined) return compileStrftime(expansion);
			throw new TimestampFormatError(`unsupported strftime directive %${c}`);
		}
	}
}

/** Compiles a strftime format into tokens; throws TimestampFormatError for directives it cannot read back. */
export function compileStrftime(format: string): Token[] {
	const tokens: Token[] = [];
	let literal = '';
	for (let i = 0; i < format.length; i++) {
		const c = format[i];
		if (c !== '%') {
			literal += c;
			continue;
		}

		// glibc flags (%-d, %_H, %0e, %^b, %#Z) change padding or case only: numbers are read
		// leniently and names case-insensitively, so they can be skipped.
		let d = format[++i];
		while (d === '-' || d === '_' || d === '0' || d === '^' || d === '#') d = format[++i];
		// O and E modifiers select alternative digits or eras, the same in the C locale.
		if (d === 'O' || d === 'E') d = format[++i];
		if (d === undefined) throw new TimestampFormatError(`'${format}' ends with a lone %`);
		if (literal) tokens.push({kind: 'literal', text: literal});
		literal = '';
		const token = directive(d);
		if (Array.isArray(token)) tokens.push(...token);
		else tokens.push(token);
	}

	if (literal) tokens.push({kind: 'literal', text: literal});
	return tokens;
}

function matchName(text: string, pos: number, names: string[]): {index: number; length: number} | undefined {
	// Longest first, so "june" is not read as "jun" followed by a stray "e".
	let best: {index: number; length: number} | undefined;
	for (let i = 0; i < names.length; i++) {
		const name = names[i];
		if (best && name.length <= best.length) continue;
		if (text.slice(pos, pos + name.length).toLowerCase() === name) best = {index: i, length: name.length};
	}

	return best;
}

/** Reads the tokens from `pos`; returns the index after them, or -1. */
export function readTokens(tokens: Token[], text: string, pos: number, end: number, fields: Fields): number {
	for (const token of tokens) {
		switch (token.kind) {
			case 'literal': {
				if (!text.startsWith(token.text, pos)) return -1;
				pos += token.text.length;
				break;
			}

			case 'number': {
				// strftime pads with zeros, %e/%k/%l with spaces, and %-d with nothing.
				let stop = pos + token.width;
				while (pos < end && pos < stop - 1 && text.charCodeAt(pos) === 32) pos++;
				stop = Math.min(stop, end);
				let value = 0;
				const from = pos;
				while (pos < stop) {
					const c = text.charCodeAt(pos);
					if (c < 48 || c > 57) break;
					value = value * 10 + (c - 48);
					pos++;
				}

				if (pos === from || value < token.min || value > token.max) return -1;
				(fields as Record<string, number>)[token.field] = value;
				break;
			}

			case 'names': {
				const found = matchName(text, pos, token.names);
				if (!found) return -1;
				if (token.field === 'month') fields.month = found.index + 1;
				pos += found.length;
				break;
			}

			case 'ampm': {
				const two = text.slice(pos, pos + 2).toLowerCase();
				if (two !== 'am' && two !== 'pm') return -1;
				fields.pm = two === 'pm';
				pos += 2;
				break;
			}

			case 'offset': {
				// ±hhmm (glibc also writes ±hh:mm with %:z; accept both).
				const sign = text[pos];
				if (sign !== '+' && sign !== '-') return -1;
				const colon = text[pos + 3] === ':' ? 1 : 0;
				const hh = Number(text.slice(pos + 1, pos + 3));
				const mm = Number(text.slice(pos + 3 + colon, pos + 5 + colon));
				if (!/^\d\d$/.test(text.slice(pos + 1, pos + 3)) || !/^\d\d$/.test(text.slice(pos + 3 + colon, pos + 5 + colon))) return -1;
				fields.offsetMinutes = (sign === '-' ? -1 : 1) * (hh * 60 + mm);
				pos += 5 + colon;
				break;
			}

			case 'zone': {
				const from = pos;
				while (pos < end && /[A-Za-z]/.test(text[pos])) pos++;
				if (pos === from) return -1;
				break;
			}

			case 'epoch': {
				const from = pos;
				if (text[pos] === '-') pos++;
				while (pos < end && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) pos++;
				if (pos === from) return -1;
				fields.epoch = Number(text.slice(from, pos));
				break;
			}
		}
	}

	return pos;
}

/**
 * Fields → epoch ms. Without %z the broker wrote local time (it uses localtime()), and the monitor
 * runs on the broker host. Missing date parts come from `reference`, stepping back a year/day when
 * that would put the line in the future.
 */
export function fieldsToTime(fields: Fields, reference: number): number {
	if (fields.epoch !== undefined) return fields.epoch * 1000;
	const ref = new Date(reference);
	let year = fields.year;
	if (year === undefined && fields.shortYear !== undefined) {
		year =
			fields.century !== undefined
				? fields.century * 100 + fields.shortYear
				: fields.shortYear < 69
					? 2000 + fields.shortYear
					: 1900 + fields.shortYear;
	}

	const hasYear = year !== undefined;
	year ??= ref.getFullYear();
	let month = ref.getMonth() + 1;
	let day = ref.getDate();
	if (fields.day !== undefined) {
		month = fields.month ?? month;
		day = fields.day;
	} else if (fields.yearDay !== undefined) {
		month = 1;
		day = fields.yearDay; // Date rolls day 40 of January over into February
	} else if (fields.month !== undefined) {
		month = fields.month;
		day = 1;
	}

	const hasDate = fields.day !== undefined || fields.yearDay !== undefined || fields.month !== undefined;
	let hour = fields.hour ?? 0;
	if (fields.hour === undefined && fields.hour12 !== undefined) hour = (fields.hour12 % 12) + (fields.pm ? 12 : 0);
	const minute = fields.minute ?? 0;
	const second = fields.second ?? 0;
	const build = (y: number, d: number) =>
		fields.offsetMinutes === undefined
			? new Date(y, month - 1, d, hour, minute, second).getTime()
			: Date.UTC(y, month - 1, d, hour, minute, second) - fields.offsetMinutes * 60_000;
	let time = build(year, day);
	if (!hasYear && hasDate && time > reference + 86_400_000) time = build(year - 1, day);
	if (!hasDate && time > reference + 3_600_000) time = build(year, day - 1);
	return time;
}
