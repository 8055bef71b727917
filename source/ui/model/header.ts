import type {ConnectionState} from '../../broker/adapter.js';
import type {Capabilities} from '../../broker/driver.js';
import {clockTime} from '../../broker/link-state.js';
import {cleanText} from '../../util/sanitize.js';
import {formatDuration, formatRate, sparkline} from '../format.js';
import {theme} from '../theme.js';
import {displayWidth} from '../text.js';
import {clip, joinFitting, lineText, wrapped, type Line} from './line.js';
import type {CountMismatch} from './count-check.js';
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
	actions: ActionNotice;
	readOnly: boolean;
	logFile?: LogFileInfo;
	/** The table's online count has disagreed with the broker's for longer than its publications explain. */
	mismatch?: CountMismatch;
	/** The time the header describes (for "reconnecting in 4s"). */
	now?: number;
};

/**
 * Sessions the broker counts as connected that the monitor has not seen connect (they did so
 * before it subscribed). The broker's count includes the monitor's own connection, which it
 * normally never sees, so that one is not "unseen".
 */
export function unseenSessions(stats: Stats): number | undefined {
	const connected = stats.broker.connected;
	if (connected === undefined) return undefined;
	return Math.max(0, connected - stats.knownOnline - (stats.selfUnseen ?? (stats.selfSeen ? 0 : 1)));
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
	const live = input.connection.state === 'connected';
	// While the link is down the broker's last count is history, and says so.
	const asOf = !live && input.connection.lostAt !== undefined ? `, as of ${clockTime(input.connection.lostAt)}` : '';
	const parts: Line[] = [
		connected === undefined
			? [{text: 'connected ? (waiting for the broker)', dim: true}]
			: [{text: 'connected '}, {text: String(connected), bold: !asOf, dim: asOf !== ''}, {text: ` (broker${asOf})`, dim: asOf !== ''}],
		[{text: `known ${stats.knownOnline}`}],
	];
	if (stats.offline > 0) parts.push([{text: `offline ${stats.offline}`, color: theme.status.offline}]);
	parts.push([{text: `blocked ${stats.blockedAccounts}`, color: stats.blockedAccounts > 0 ? theme.status.blocked : undefined}]);
	const unseen = live ? unseenSessions(stats) : undefined;
	if (unseen !== undefined && unseen > 0) parts.push([{text: `unseen ${unseen}`, color: theme.warning, bold: true}]);
	const line = joinFitting(parts, width);
	// Once the difference outlasts the broker's publications, the note becomes the warning itself.
	const why = input.mismatch ? '' : ' (connected before mqtt-top started)';
	if (unseen && why && displayWidth(lineText(line)) + why.length <= width) line.push({text: why, dim: true});
	return line;
}

/** Says plainly that the table disagrees with the broker, and which way. */
export function mismatchText(mismatch: CountMismatch): string {
	const seconds = Math.floor(mismatch.forMs / 1000);
	const lead = `⚠ table shows ${mismatch.table} online, broker says ${mismatch.broker} (for ${seconds}s)`;
	if (mismatch.table > mismatch.broker) {
		return `${lead}: ${mismatch.table - mismatch.broker} listed online may be gone (missed disconnects)`;
	}

	return `${lead}: ${mismatch.broker - mismatch.table} connected without mqtt-top seeing them (before it started or while it was disconnected)`;
}

/** What the broker link is doing, when it is not live, and how old the table's data is. */
export function connectionText(connection: ConnectionState, now: number | undefined): string | undefined {
	const lost = connection.lostAt === undefined ? undefined : clockTime(connection.lostAt);
	const retry =
		connection.retryAt === undefined
			? 'reconnecting now…'
			: now === undefined
				? 'reconnecting soon'
				: `reconnecting in ${Math.max(0, Math.ceil((connection.retryAt - now) / 1000))}s`;
	const stale = lost === undefined ? '' : ` · online rows are stale: last confirmed ${lost}`;
	switch (connection.state) {
		case 'connected':
			return undefined;
		case 'closed':
			return `⚠ closed: ${connection.detail ?? 'the connection to the broker is closed'}`;
		case 'resyncing':
			return `⚠ reconnected, resyncing: reading subscriptions, accounts and counts again${stale}`;
		case 'reconnecting':
			if (connection.takenOver) {
				return `⚠ taken over${lost === undefined ? '' : ` at ${lost}`}: ${connection.detail ?? 'another client connected with this client ID'} · backing off, not fighting back: ${retry.replace('reconnecting', 'retrying')} (give each monitor its own -i)${stale}`;
			}

			return `⚠ disconnected${lost === undefined ? '' : ` since ${lost}`}: ${connection.detail ?? 'lost the connection'} · ${retry}${connection.attempts ? ` (attempt ${connection.attempts + 1})` : ''}${stale}`;
	}
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
	const link = connectionText(input.connection, input.now);
	if (link !== undefined) lines.push(...wrapped(cleanText(link), width, {color: theme.danger, bold: true}, '  ').slice(0, 3));
	if (input.mismatch && input.connection.state === 'connected') {
		lines.push(...wrapped(mismatchText(input.mismatch), width, {color: theme.warning, bold: true}, '  ').slice(0, 2));
	}

	if (!input.readOnly && input.actions.pending !== undefined) {
		lines.push([{text: input.actions.pending, dim: true}]);
	} else if (!input.readOnly && input.actions.unavailable !== undefined) {
		const why = wrapped(input.actions.unavailable, width, {color: theme.warning}, '  ');
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

/** What the header says about actions: still probing, or blocking impossible on this broker. */
export type ActionNotice = {pending?: string; unavailable?: string};

export function actionNotice(capabilities: Capabilities): ActionNotice {
	for (const state of capabilities.values()) if (!state.ok && state.pending) return {pending: state.why};
	const ban = capabilities.get('ban-user');
	if (ban === undefined || ban.ok || capabilities.get('ban-client')?.ok) return {};
	const kickOnlyByTakeover =
		!capabilities.get('kick-client')?.ok && !capabilities.get('kick-user')?.ok && capabilities.get('kick-takeover')?.ok;
	return {unavailable: `⚠ block/unblock unavailable${kickOnlyByTakeover ? ' (kick only by takeover)' : ''}: ${cleanText(ban.why)}`};
}
