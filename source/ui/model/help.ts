import {queryFields} from '../../model/query.js';
import {keymap, scopes, type Binding, type Scope} from '../keymap.js';
import {theme} from '../theme.js';
import {cleanText} from '../../util/sanitize.js';
import {fit} from '../text.js';
import type {UnavailableKeys} from './action-availability.js';
import {wrapped, type Line} from './line.js';
import {queuedHelp, type QueuedView} from './queued.js';

const sectionTitles: Record<Scope, string> = {
	table: 'Session table',
	detail: 'Client detail',
	help: 'This help',
	alerts: 'Alerts view',
	prompt: 'Filter and export prompts',
	confirm: 'Confirmation dialog',
};

const keyWidth = 15;

function entry(binding: Binding, width: number, unavailable?: string): Line[] {
	// A key this broker cannot serve stays listed, dimmed, with the reason: pressing it says the same.
	const description = unavailable === undefined ? binding.description : `${binding.description} (unavailable: ${cleanText(unavailable)})`;
	return wrapped(description, width - keyWidth - 2, unavailable === undefined ? {} : {dim: true}).map((line, i) => [
		{
			text: i === 0 ? `  ${fit(binding.label, keyWidth)}` : ' '.repeat(keyWidth + 2),
			color: i === 0 && unavailable === undefined ? theme.accent : undefined,
			bold: i === 0,
			dim: unavailable !== undefined,
		},
		...line,
	]);
}

/** What the help says of the broker's log lines: how many were read and how many not understood. */
export type LogReading = {lines: number; unknown: number; lastUnknown?: string; version?: string};

function readingLines(reading: LogReading, width: number): Line[] {
	const version = reading.version === undefined ? 'broker version not known yet' : reading.version;
	const summary = `${version} · ${reading.lines} events read · ${reading.unknown} log lines not understood (counted, otherwise ignored)`;
	const lines = wrapped(summary, width - 2).map((line) => [{text: '  '}, ...line]);
	if (reading.lastUnknown !== undefined) {
		// Untrusted text from the broker: cleaned of control characters, cut to one line.
		const last = fit(`latest: ${cleanText(reading.lastUnknown)}`, Math.max(10, width - 2)).trimEnd();
		lines.push([{text: '  '}, {text: last, color: theme.muted}]);
	}

	return lines;
}

/** The help view, generated from the keymap so it lists exactly the keys that work. */
export function helpLines(
	readOnly: boolean,
	width: number,
	reading?: LogReading,
	unavailable: UnavailableKeys = {},
	queued?: QueuedView,
): Line[] {
	const visible = keymap.filter((b) => !(readOnly && b.writes));
	const global = visible.filter((b) => scopes.every((s) => b.scopes.includes(s)));
	const lines: Line[] = [
		[
			{text: 'mqtt-top keys', bold: true},
			...(readOnly ? [{text: '  (read-only: kick, block and unblock are off)', color: theme.warning}] : []),
		],
	];
	for (const scope of scopes) {
		const bindings = visible.filter((b) => b.scopes.includes(scope) && !global.includes(b));
		if (bindings.length === 0) continue;
		lines.push([], [{text: sectionTitles[scope], bold: true, underline: true}]);
		for (const binding of bindings) lines.push(...entry(binding, width, unavailable[binding.command as keyof UnavailableKeys]));
	}

	lines.push([], [{text: 'Everywhere', bold: true, underline: true}]);
	for (const binding of global) lines.push(...entry(binding, width));
	if (reading) {
		lines.push([], [{text: 'Broker log', bold: true, underline: true}], ...readingLines(reading, width));
	}

	if (queued) {
		const several = queued.counts.size + queued.absent.size > 1;
		lines.push([], [{text: 'Queued messages', bold: true, underline: true}]);
		for (const text of queuedHelp(queued, several))
			lines.push(...wrapped(cleanText(text), width - 2).map((line) => [{text: '  '}, ...line]));
	}

	lines.push([], [{text: 'Filter language', bold: true, underline: true}]);
	for (const text of [
		`A word matches client IDs and usernames; field:value matches one field (${queryFields.join(', ')}).`,
		'-term excludes; field:~regex matches a regular expression; "double quotes" keep spaces.',
		'Terms on the same field are OR-ed, on different fields AND-ed. topic:a/b matches subscriptions that would receive a/b.',
		'node:NAME keeps the sessions of the brokers whose name contains NAME (with several brokers).',
		'queued:>N, queued:<N, queued:N compare the Queued count; sessions whose broker gives none never match.',
		'Example: user:alice -status:offline topic:home/#',
	]) {
		lines.push(...wrapped(text, width - 2).map((line) => [{text: '  '}, ...line]));
	}

	return lines;
}
