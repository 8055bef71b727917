// The header's lines while the monitor shows the past: unmistakably not live (inverse, its own
// colour), what moment, how to move, and what the log cannot vouch for around it.
import {formatMoment} from '../../history/time-spec.js';
import type {Gap} from '../../history/timeline.js';
import {clockTime} from '../../broker/link-state.js';
import {joinFitting, type Line} from './line.js';

export type HistoryHeader = {
	moment: number;
	/** Reading the log (or rebuilding the moment) is still under way. */
	loading: boolean;
	/** No log file: the history is what this monitor recorded since it started. */
	recorded: boolean;
	begins?: number;
	gaps: readonly Gap[];
	connected: number;
	left: number;
	error?: string;
};

export const historyColor = 'magenta';

export function historyLines(input: HistoryHeader, width: number): Line[] {
	const banner: Line = [
		{text: ` HISTORY ${formatMoment(input.moment)} `, inverse: true, bold: true, color: historyColor},
		{text: input.loading ? ' reading the log… ' : ' not live; [ back, ] forward a minute, Esc live', color: historyColor},
	];
	const lines: Line[] = [joinFitting([banner], width)];
	if (input.error) {
		lines.push(joinFitting([[{text: `⚠ ${input.error}`, color: 'red'}]], width));
		return lines;
	}

	const parts: Line[] = [[{text: `±1 min: ${input.connected} connected, ${input.left} left (marked +)`, color: historyColor}]];
	if (input.begins !== undefined) {
		const since = input.recorded ? 'recorded by mqtt-top since' : 'log begins';
		parts.push([{text: `${since} ${formatMoment(input.begins)}`, dim: true}]);
	}

	lines.push(joinFitting(parts, width));
	// Each gap on a line of its own: what the log cannot vouch for must not be cut for room.
	for (const gap of input.gaps.slice(0, 2)) {
		lines.push(joinFitting([[{text: `⚠ gap ${clockTime(gap.from)}–${clockTime(gap.to)}: ${gap.why}`, color: 'yellow'}]], width));
	}

	return lines;
}
