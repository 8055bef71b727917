import type {ActionAvailability, ConnectionState} from '../../broker/adapter.js';
import {cleanText} from '../../util/sanitize.js';
import {formatDuration, formatRate, sparkline} from '../format.js';
import {theme} from '../theme.js';
import {displayWidth} from '../text.js';
import {clip, joinFitting, lineText, wrapped, type Line} from './line.js';
import {logFileLine, type LogFileInfo} from './log-file-line.js';
import type {Stats} from './snapshot.js';

export type HeaderInput = {
	url: string;
	/** Replaces flavour and version, e.g. "demo: Mosquitto 2.0.11". */
	label?: string;
	flavour: string;
	stats: Stats;
	refreshSeconds: number;
	paused: boolean;
	filter: string;
	sortLabel: string;
	shown: number;
	marked: number;
	showInactive: boolean;
	connection: ConnectionState;
	actions: ActionAvailability;
	readOnly: boolean;
	logFile?: LogFileInfo;
};

/**
 * Sessions the broker counts as connected that the monitor has not seen connect (they did so
 * before it subscribed). The broker's count includes the monitor's own connection, which it
 * normally never sees, so that one is not "unseen".
 */
export function unseenSessions(stats: Stats): number | undefined {
	const connected = stats.broker.connected;
	if (connected === undefined) return undefined;
	return Math.max(0, connected - stats.knownOnline - (stats.selfSeen ? 0 : 1));
}

function capitalised(word: string): string {
	return word.charAt(0).toUpperCase() + word.slice(1);
}

function identity(input: HeaderInput, width: number): Line {
	const {stats} = input;
	const parts: Line[] = [[{text: 'mqtt-top', bold: true, color: theme.accent}]];
	if (input.paused) parts[0].push({text: ' '}, {text: ' PAUSED ', inverse: true, bold: true, color: theme.warning});
	parts.push([{text: cleanText(input.url)}]);
	const version = stats.broker.version === undefined ? '' : ` ${cleanText(stats.broker.version)}`;
	parts.push([{text: input.label ?? `${capitalised(input.flavour)}${version}`}]);
	if (stats.broker.uptime !== undefined) parts.push([{text: `up ${formatDuration(stats.broker.uptime * 1000)}`}]);
	parts.push([{text: `refresh ${input.refreshSeconds}s`, dim: true}]);
	return joinFitting(parts, width, '  ');
}

function population(input: HeaderInput, width: number): Line {
	const {stats} = input;
	const connected = stats.broker.connected;
	const parts: Line[] = [
		connected === undefined
			? [{text: 'connected ? (waiting for the broker)', dim: true}]
			: [{text: 'connected '}, {text: String(connected), bold: true}, {text: ' (broker)'}],
		[{text: `known ${stats.knownOnline}`}],
	];
	if (stats.offline > 0) parts.push([{text: `offline ${stats.offline}`, color: theme.status.offline}]);
	parts.push([{text: `blocked ${stats.blockedAccounts}`, color: stats.blockedAccounts > 0 ? theme.status.blocked : undefined}]);
	const unseen = unseenSessions(stats);
	if (unseen !== undefined && unseen > 0) parts.push([{text: `unseen ${unseen}`, color: theme.warning, bold: true}]);
	const line = joinFitting(parts, width);
	const why = ' (connected before mqtt-top started)';
	if (unseen && displayWidth(lineText(line)) + why.length <= width) line.push({text: why, dim: true});
	return line;
}

function rates(input: HeaderInput, width: number): Line {
	const {stats} = input;
	const spark = width >= 110 ? 20 : 12;
	const auth = stats.authFailuresPerSecond;
	return joinFitting(
		[
			[
				{text: `connects/s ${formatRate(stats.connects.perSecond)} `},
				{text: sparkline(stats.connects.series, spark), color: theme.status.online},
			],
			[
				{text: `disconnects/s ${formatRate(stats.disconnects.perSecond)} `},
				{text: sparkline(stats.disconnects.series, spark), color: theme.status.offline},
			],
			[{text: `auth failures/s ${formatRate(auth)}`, color: auth > 0 ? theme.danger : undefined}],
		],
		width,
		'  ',
	);
}

function view(input: HeaderInput, width: number): Line {
	const {stats} = input;
	const parts: Line[] = [
		input.filter === ''
			? [{text: 'filter: none', dim: true}]
			: [{text: 'filter: '}, {text: cleanText(input.filter), color: theme.accent, bold: true}],
		[{text: `sort: ${input.sortLabel}`}],
		[{text: `showing ${input.shown} of ${stats.total}`}],
	];
	if (!input.showInactive) parts.push([{text: `${stats.hiddenInactive} offline/blocked hidden`, color: theme.warning}]);
	if (input.marked > 0) parts.push([{text: `${input.marked} marked`, bold: true}]);
	return joinFitting(parts, width);
}

/** Enough for the reasons the adapter gives, at 80 columns, without crowding out the table. */
const maxWarningLines = 4;

/** The header, already fitted to `width`: its length is the header's height. */
export function headerLines(input: HeaderInput, width: number): Line[] {
	const lines: Line[] = [identity(input, width), population(input, width), rates(input, width), view(input, width)];
	if (input.logFile) lines.push(logFileLine(input.logFile, width));
	if (input.connection.state !== 'connected') {
		const why = input.connection.detail ?? input.connection.state;
		lines.push(...wrapped(`⚠ ${input.connection.state}: ${cleanText(why)}`, width, {color: theme.danger, bold: true}, '  ').slice(0, 2));
	}

	if (!input.readOnly && !input.actions.dynsec && input.actions.pending) {
		lines.push([{text: input.actions.reason, dim: true}]);
	} else if (!input.readOnly && !input.actions.dynsec) {
		const why = wrapped(
			`⚠ block/unblock unavailable (kick only by takeover): ${cleanText(input.actions.reason)}`,
			width,
			{color: theme.warning},
			'  ',
		);
		if (why.length > maxWarningLines)
			why.splice(
				maxWarningLines - 1,
				Infinity,
				clip([{...why[maxWarningLines - 1][0], text: `${why[maxWarningLines - 1][0].text} …`}], width),
			);
		lines.push(...why);
	}

	return lines;
}
