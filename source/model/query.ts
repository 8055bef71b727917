import {BlockList, isIP} from 'node:net';
import {compileLinearRegex} from './linear-regex.js';
import {topicMatches} from './topic-match.js';
import type {Protocol, Session} from './types.js';

export const queryFields = ['id', 'user', 'address', 'proto', 'status', 'clean', 'topic', 'node', 'queued'] as const;
export type QueryField = (typeof queryFields)[number];

/** Older names still accepted: `ip:` was the address field's first name. */
const fieldAliases: Record<string, QueryField> = {ip: 'address'};

export type Query = {
	text: string;
	match: (session: Session) => boolean;
};

export type QueryResult = {ok: true; query: Query} | {ok: false; error: string};

type Predicate = (session: Session) => boolean;
type Term = {field: QueryField | 'any'; negated: boolean; predicate: Predicate};

const everything: Query = {text: '', match: () => true};

const protocolAliases: Record<string, Protocol> = {
	'3': '3.1',
	'31': '3.1',
	'3.1': '3.1',
	'4': '3.1.1',
	'311': '3.1.1',
	'3.1.1': '3.1.1',
	'5': '5.0',
	'5.0': '5.0',
	v5: '5.0',
};

const booleans: Record<string, boolean> = {
	true: true,
	yes: true,
	'1': true,
	c1: true,
	false: false,
	no: false,
	'0': false,
	c0: false,
};

class QueryError extends Error {}

/** Splits on white space, keeping "double quoted" runs (with \" escapes) together. */
function tokenize(text: string): string[] {
	const tokens: string[] = [];
	let current = '';
	let inQuotes = false;
	let started = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (inQuotes) {
			if (c === '\\' && text[i + 1] === '"') {
				current += '"';
				i++;
			} else if (c === '"') {
				inQuotes = false;
			} else {
				current += c;
			}
		} else if (c === '"') {
			inQuotes = true;
			started = true;
		} else if (/\s/.test(c)) {
			if (started) tokens.push(current);
			current = '';
			started = false;
		} else {
			current += c;
			started = true;
		}
	}

	if (inQuotes) throw new QueryError('unclosed quote');
	if (started) tokens.push(current);
	return tokens;
}

function textMatcher(value: string, field: string): (text: string | undefined) => boolean {
	if (value.startsWith('~')) {
		let test: (text: string) => boolean;
		try {
			test = compileLinearRegex(value.slice(1));
		} catch (error) {
			throw new QueryError(`${field}: bad regular expression: ${(error as Error).message}`);
		}

		return (text) => text !== undefined && test(text);
	}

	return caseFreeIncludes(value.toLowerCase());
}

const nonAscii = /[\u0080-\uffff]/;

/**
 * `text.toLowerCase().includes(needle)` without making a lowercased copy of every text: applying a
 * filter to 100,000 sessions made 200,000 strings. For an ASCII needle a case-insensitive regular
 * expression finds the same matches in ASCII text; text with other characters that it does not
 * match is lowercased after all, since lowercasing can turn some of them into ASCII (the Kelvin
 * sign into k).
 */
function caseFreeIncludes(needle: string): (text: string | undefined) => boolean {
	if (nonAscii.test(needle)) return (text) => text !== undefined && text.toLowerCase().includes(needle);
	const escaped = needle.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
	const pattern = new RegExp(escaped, 'i');
	// One scan settles most texts (ASCII, no match): a second pattern for non-ASCII alone read
	// every text twice, a fifth of a filter pass over 100,000 sessions. Without the u flag an ASCII
	// pattern character matches no non-ASCII one, so a text it passes has the needle or non-ASCII.
	const needleOrOther = new RegExp(`${escaped}|[\\u0080-\\uffff]`, 'i');
	return (text) =>
		text !== undefined && needleOrOther.test(text) && (pattern.test(text) || (nonAscii.test(text) && text.toLowerCase().includes(needle)));
}

function compileTerm(token: string): Term {
	let negated = false;
	let body = token;
	if (body.startsWith('-') && body.length > 1) {
		negated = true;
		body = body.slice(1);
	}

	const colon = body.indexOf(':');
	const fieldName = colon > 0 ? body.slice(0, colon).toLowerCase() : undefined;
	if (fieldName === undefined || !/^[a-z]+$/.test(fieldName)) {
		const matches = textMatcher(body, 'word');
		return {field: 'any', negated, predicate: (s) => matches(s.clientId) || matches(s.username)};
	}

	const field = fieldAliases[fieldName] ?? (fieldName as QueryField);
	if (!(queryFields as readonly string[]).includes(field)) {
		throw new QueryError(`unknown field '${fieldName}' (use ${queryFields.join(', ')})`);
	}

	const value = body.slice(colon + 1);
	if (value === '' || value === '~') throw new QueryError(`${field}: needs a value`);
	return {field, negated, predicate: fieldPredicate(field, value)};
}

function fieldPredicate(field: QueryField, value: string): Predicate {
	switch (field) {
		case 'id': {
			const matches = textMatcher(value, field);
			return (s) => matches(s.clientId);
		}

		case 'user': {
			const matches = textMatcher(value, field);
			return (s) => matches(s.username);
		}

		case 'address': {
			if (value.includes('/') && !value.startsWith('~')) return cidrPredicate(value);
			const matches = textMatcher(value, field);
			return (s) => matches(s.address);
		}

		case 'node': {
			const matches = textMatcher(value, field);
			return (s) => matches(s.node);
		}

		case 'proto': {
			if (value.startsWith('~')) {
				const matches = textMatcher(value, field);
				return (s) => matches(s.protocol);
			}

			const protocol = protocolAliases[value.toLowerCase()];
			if (!protocol) throw new QueryError(`proto: '${value}' is not 3.1, 3.1.1 or 5.0`);
			return (s) => s.protocol === protocol;
		}

		case 'status': {
			if (value.startsWith('~')) {
				const matches = textMatcher(value, field);
				return (s) => matches(s.status);
			}

			const status = value.toLowerCase();
			if (status !== 'online' && status !== 'offline' && status !== 'blocked') {
				throw new QueryError(`status: '${value}' is not online, offline or blocked`);
			}

			return (s) => s.status === status;
		}

		case 'clean': {
			const clean = booleans[value.toLowerCase()];
			if (clean === undefined) throw new QueryError(`clean: '${value}' is not true or false`);
			return (s) => s.cleanSession === clean;
		}

		case 'queued': {
			const compare = countComparison(value);
			if (!compare) throw new QueryError(`queued: '${value}' is not a count like 100, >100, >=100, <10 or <=10`);
			return (s) => s.queued !== undefined && compare(s.queued);
		}

		case 'topic': {
			if (value.startsWith('~')) {
				const matches = textMatcher(value, field);
				return (s) => {
					for (const filter of s.subscriptions.keys()) if (matches(filter)) return true;
					return false;
				};
			}

			// Either the session would receive a message published on `value`, or `value` (itself a
			// filter) covers the session's subscription.
			return (s) => {
				for (const filter of s.subscriptions.keys()) {
					if (topicMatches(filter, value) || topicMatches(value, filter)) return true;
				}

				return false;
			};
		}
	}
}

const comparisons: Record<string, (a: number, b: number) => boolean> = {
	'>': (a, b) => a > b,
	'>=': (a, b) => a >= b,
	'<': (a, b) => a < b,
	'<=': (a, b) => a <= b,
	'=': (a, b) => a === b,
	'': (a, b) => a === b,
};

/** `>100`, `>=5`, `<10`, `<=10`, `=0`, `0` → a test on a count; undefined when malformed. */
function countComparison(value: string): ((count: number) => boolean) | undefined {
	const match = /^(>=|<=|>|<|=)?(\d+)$/.exec(value);
	if (!match) return undefined;
	const test = comparisons[match[1] ?? ''];
	const limit = Number(match[2]);
	return (count) => test(count, limit);
}

/**
 * `address:10.0.0.0/8` or `address:fd00::/8`. Node's BlockList does the prefix arithmetic and
 * matches an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, how dual-stack listeners report IPv4
 * clients) against an IPv4 block.
 */
function cidrPredicate(value: string): Predicate {
	const slash = value.lastIndexOf('/');
	const base = value.slice(0, slash).replace(/^\[(.*)\]$/, '$1');
	const bits = value.slice(slash + 1);
	const family = isIP(base);
	const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
	if (family === 0 || !(prefix <= (family === 4 ? 32 : 128))) {
		throw new QueryError(`address: '${value}' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)`);
	}

	const block = new BlockList();
	block.addSubnet(base, prefix, family === 4 ? 'ipv4' : 'ipv6');
	return (s) => {
		const address = s.address?.replace(/^\[(.*)\]$/, '$1');
		const kind = address === undefined ? 0 : isIP(address);
		return kind !== 0 && block.check(address!, kind === 4 ? 'ipv4' : 'ipv6');
	};
}

/**
 * Compiles a filter once so it can be matched against many sessions. Terms on the same field are
 * OR-ed, terms on different fields AND-ed; each negated term must not match.
 */
export function parseQuery(text: string): QueryResult {
	let terms: Term[];
	try {
		terms = tokenize(text).map((token) => compileTerm(token));
	} catch (error) {
		if (error instanceof QueryError) return {ok: false, error: error.message};
		throw error;
	}

	if (terms.length === 0) return {ok: true, query: everything};

	const groups = new Map<string, Predicate[]>();
	const negations: Predicate[] = [];
	for (const term of terms) {
		if (term.negated) {
			negations.push(term.predicate);
			continue;
		}

		const group = groups.get(term.field) ?? [];
		group.push(term.predicate);
		groups.set(term.field, group);
	}

	const positive = [...groups.values()];
	const match = (session: Session): boolean => {
		for (const group of positive) {
			let any = false;
			for (const predicate of group) {
				if (predicate(session)) {
					any = true;
					break;
				}
			}

			if (!any) return false;
		}

		for (const predicate of negations) if (predicate(session)) return false;
		return true;
	};

	return {ok: true, query: {text: text.trim(), match}};
}

/** Fields whose terms match by the text containing the value: a longer value matches fewer sessions. */
const containmentFields: ReadonlySet<string> = new Set(['id', 'user', 'node']);

/** A term's field (undefined for a plain word) and value, if it matches by containment. */
function containmentTerm(token: string): {field?: string; value: string} | undefined {
	if (token.startsWith('-') || token.startsWith('~')) return undefined;
	const colon = token.indexOf(':');
	if (colon < 0) return {value: token};
	const field = token.slice(0, colon).toLowerCase();
	const value = token.slice(colon + 1);
	if (!containmentFields.has(field) || value.startsWith('~')) return undefined;
	return {field, value};
}

/**
 * Whether every session `narrower` keeps is kept by `wider` too, told from the texts alone: the
 * filter being typed, a word made longer. Both have the same terms but the last, and the last
 * is a word (or an id:, user: or node: value) that contains the wider one's. Terms on a field are
 * OR-ed and fields AND-ed, so a term that keeps fewer sessions makes the whole keep fewer. False
 * when unsure: it only decides whether rows already cut for `wider` can be cut again.
 */
export function narrows(wider: string, narrower: string): boolean {
	let from: string[];
	let to: string[];
	try {
		from = tokenize(wider);
		to = tokenize(narrower);
	} catch {
		return false;
	}

	if (from.length === 0 || from.length !== to.length) return false;
	for (let i = 0; i < from.length - 1; i++) if (from[i] !== to[i]) return false;
	const was = containmentTerm(from.at(-1)!);
	const is = containmentTerm(to.at(-1)!);
	if (was === undefined || is === undefined || was.field !== is.field) return false;
	return is.value.toLowerCase().includes(was.value.toLowerCase());
}
