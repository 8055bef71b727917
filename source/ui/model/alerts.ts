import type {Alert} from '../../alerts/engine.js';
import type {Rule} from '../../alerts/rules.js';
import {clockTime} from '../../broker/link-state.js';
import {cleanText} from '../../util/sanitize.js';
import {theme} from '../theme.js';
import {wrap} from '../text.js';
import {clip, wrapped, type Line} from './line.js';

export type AlertState = {
	alerts: readonly Alert[];
	total: number;
	watching: number;
	rules: readonly Rule[];
	logError?: string;
	logPath?: string;
};

function who(alert: Alert): string {
	const client = alert.clientId === undefined ? '' : `${cleanText(alert.clientId)} `;
	return `${client}on ${cleanText(alert.node)}`;
}

/**
 * The line under the header: the newest alert and how many there are, or what is being watched.
 * Absent while there is nothing to say, so a monitor without alerts keeps its table height.
 */
export function alertBanner(state: AlertState, width: number): Line | undefined {
	const watching = state.watching > 0 ? ` · watching ${state.watching}` : '';
	const unsaved = state.logError === undefined ? '' : ' · not saved: alert log unwritable';
	const newest = state.alerts[0];
	if (!newest) {
		if (watching === '' && unsaved === '') return undefined;
		return clip([{text: `no alerts yet${watching}${unsaved}`, color: theme.muted}], width);
	}

	// The count and the key first: the newest alert's detail is what a narrow terminal cuts.
	const count = `${state.total} alert${state.total === 1 ? '' : 's'}, A to list`;
	return clip(
		[
			{text: `⚠ ${count}${watching}${unsaved} · `, color: theme.danger, bold: true},
			{text: `${clockTime(newest.time)} ${cleanText(newest.rule)}: ${who(newest)}: ${cleanText(newest.detail)}`, color: theme.danger},
		],
		width,
	);
}

/** The alerts view: the rules, then every kept alert, newest first, with time, rule, node and client. */
export function alertLines(state: AlertState, width: number): Line[] {
	const lines: Line[] = [];
	const shown = state.alerts.length < state.total ? ` (the newest ${state.alerts.length} shown)` : '';
	lines.push([{text: `Alerts: ${state.total}, newest first${shown}`, bold: true}]);
	if (state.logError !== undefined) lines.push(...wrapped(cleanText(state.logError), width, {color: theme.warning}));
	else if (state.logPath !== undefined) lines.push(...wrapped(`kept in ${cleanText(state.logPath)}`, width, {color: theme.muted}));
	const rules = state.rules.map((rule) => cleanText(rule.text) + (rule.node === undefined ? '' : ` (${cleanText(rule.node)} only)`));
	lines.push(
		...wrapped(`Rules: ${rules.length === 0 ? 'none (w on a client adds a watch)' : rules.join(', ')}`, width, {color: theme.muted}),
	);
	lines.push([]);
	if (state.alerts.length === 0) lines.push([{text: 'no alerts yet', color: theme.muted}]);
	for (const alert of state.alerts) {
		lines.push(
			clip(
				[
					{text: `${clockTime(alert.time)}  `, color: theme.muted},
					{text: cleanText(alert.rule), color: theme.danger},
					{text: `  ${who(alert)}`, bold: true},
				],
				width,
			),
		);
		const indent = '          ';
		for (const part of wrap(cleanText(alert.detail), Math.max(1, width - indent.length))) lines.push([{text: indent + part}]);
	}

	return lines;
}
