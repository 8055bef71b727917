import {RE2JS} from 're2js';

// Filter regexes are typed by the operator but run against client IDs, usernames and topics that
// any device chooses. JavaScript's own engine backtracks: `id:~(a+)+$` against a 30-character
// hostile ID would freeze the monitor for minutes, and no time limit can interrupt it. RE2's
// automaton runs in time linear in the text whatever the pattern, so no ID can stall a frame.
// re2js is RE2 in plain JavaScript (no native build), and it refuses what RE2 cannot do in linear
// time (backreferences, lookaround) with a parse error, which the filter reports.

export class RegexSyntaxError extends Error {}

/** Compiles a case-insensitive pattern into a test that takes time linear in the text. */
export function compileLinearRegex(pattern: string): (text: string) => boolean {
	let compiled: RE2JS;
	try {
		compiled = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
	} catch (error) {
		const message = (error as Error).message.replace(/^error parsing regexp: /, '');
		const why = /\\[1-9]|\(\?<?[=!]|Perl syntax/.test(pattern + message) ? ' (backreferences and lookaround are not supported)' : '';
		throw new RegexSyntaxError(`${message}${why}`);
	}

	return (text) => compiled.test(text);
}
