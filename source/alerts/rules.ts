// Alert rules as the operator writes them (--alert, `alert = [...]` in the brokers file). Pure:
// parsing only; the engine decides when a rule fires.
import {ExitCode, UserError} from '../errors.js';
import {parseQuery, type Query} from '../model/query.js';
import {cleanText} from '../util/sanitize.js';

export type Rule =
	| {kind: 'down' | 'up'; text: string; filter: Query; node?: string}
	| {kind: 'count'; text: string; below: number; node?: string}
	| {kind: 'flaps'; text: string; above: number; node?: string};

export type RuleResult = {ok: true; rule: Rule} | {ok: false; error: string};

const usage = 'use down:FILTER, up:FILTER, count<N or flaps>N (e.g. down:id:gw-01, up:-address:10.0.0.0/8, count<10, flaps>5)';

function wholeNumber(text: string, least: number): number | undefined {
	if (!/^\d{1,9}$/.test(text)) return undefined;
	const value = Number(text);
	return value >= least ? value : undefined;
}

/** One rule. `node`: the rule was given for one broker only (a brokers-file entry's `alert`). */
export function parseRule(text: string, node?: string): RuleResult {
	const trimmed = text.trim();
	const event = /^(down|up):(.*)$/s.exec(trimmed);
	if (event) {
		const kind = event[1] as 'down' | 'up';
		if (event[2].trim() === '') return {ok: false, error: `${kind}: needs a filter (e.g. ${kind}:id:gw-01)`};
		const parsed = parseQuery(event[2]);
		if (!parsed.ok) return {ok: false, error: `${kind}: ${parsed.error}`};
		return {ok: true, rule: {kind, text: trimmed, filter: parsed.query, node}};
	}

	const threshold = /^(count)\s*<\s*(\S*)$|^(flaps)\s*>\s*(\S*)$/.exec(trimmed);
	if (threshold) {
		if (threshold[1] === 'count') {
			const below = wholeNumber(threshold[2], 1);
			if (below === undefined) return {ok: false, error: `count<N: '${threshold[2]}' is not a whole number of at least 1`};
			return {ok: true, rule: {kind: 'count', text: trimmed, below, node}};
		}

		const above = wholeNumber(threshold[4], 1);
		if (above === undefined) return {ok: false, error: `flaps>N: '${threshold[4]}' is not a whole number of at least 1`};
		return {ok: true, rule: {kind: 'flaps', text: trimmed, above, node}};
	}

	return {ok: false, error: trimmed === '' ? `empty rule: ${usage}` : `not a rule: ${usage}`};
}

/**
 * The `down:` rule the monitor's `w` key adds for one client of one node. Its text is written in
 * the filter language for the alert list and log, but it matches by exact client ID and node:
 * `id:` matches a substring, so a watch on `gw-1` must not fire for `gw-10`.
 */
export function watchRule(clientId: string, node: string): Rule {
	const text = `down:id:${quoteTerm(clientId)} node:${quoteTerm(node)}`;
	return {kind: 'down', text, filter: {text, match: (s) => s.clientId === clientId && s.node === node}, node};
}

/** Quoted as the filter language's tokenizer reads it back (a `\"` inside quotes is a quote). */
function quoteTerm(text: string): string {
	if (text !== '' && !/[\s"\\~]/.test(text) && !text.startsWith('-')) return text;
	return `"${text.replace(/"/g, '\\"')}"`;
}

/** Every configured rule, or a usage error naming the first bad one and where it was given. */
export function compileRules(sources: ReadonlyArray<{text: string; from: string; node?: string}>): Rule[] {
	return sources.map(({text, from, node}) => {
		const parsed = parseRule(text, node);
		if (!parsed.ok) throw new UserError(`${from} '${cleanText(text)}': ${parsed.error}`, ExitCode.usage);
		return parsed.rule;
	});
}
