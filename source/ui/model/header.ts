import type {ConnectionState} from '../../broker/adapter.js';
import type {Capabilities} from '../../broker/driver.js';
import {clockTime} from '../../broker/link-state.js';
import type {NodeStatus} from '../../fleet/node-status.js';
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
	/** The table is a moment of the past: the broker's own count of that moment is not known. */
	history?: boolean;
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
	/** Every monitored node, with several brokers: each one's state gets its own place (see nodeLines). */
	nodes?: readonly NodeHeader[];
};

/** One node as the header shows it. */
export type NodeHeader = NodeStatus;

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
	const nodes = input.nodes?.length ?? 0;
	parts.push([{text: nodes > 1 ? `${nodes} brokers` : cleanText(input.url)}]);
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
		input.history
			? [{text: "connected ? (the broker's count is not in the history)", dim: true}]
			: connected === undefined
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

/** Above this many nodes, the per-node part is packed into at most `compactLines` lines. */
const fullFormNodes = 3;
const compactLines = 2;

function nodeStateText(node: NodeHeader, now: number | undefined, compact: boolean): {text: string; live: boolean; color: string} {
	const {connection} = node;
	const lost = connection.lostAt === undefined ? undefined : clockTime(connection.lostAt);
	const since = lost === undefined ? '' : ` since ${lost}`;
	const retry =
		connection.retryAt === undefined
			? 'retrying now'
			: now === undefined
				? 'retrying soon'
				: `retry in ${Math.max(0, Math.ceil((connection.retryAt - now) / 1000))}s`;
	switch (connection.state) {
		case 'connected':
			return {text: 'live', live: true, color: theme.status.online};
		case 'resyncing':
			return {text: compact ? 'resyncing' : `resyncing${since}`, live: false, color: theme.warning};
		case 'reconnecting': {
			const what = connection.takenOver ? 'taken over' : 'reconnecting';
			return {
				text: compact ? `${connection.takenOver ? 'taken over' : 'down'}, ${retry}` : `⚠ ${what}${since}, ${retry}`,
				live: false,
				color: theme.danger,
			};
		}

		case 'closed':
			return {
				text: compact ? 'down' : `⚠ down${since}${connection.detail ? `: ${connection.detail}` : ''}`,
				live: false,
				color: theme.danger,
			};
	}
}

function nodeCount(node: NodeHeader, compact: boolean): string {
	if (node.connected === undefined) return compact ? '?' : 'connected ?';
	const stale = node.connection.state !== 'connected' && node.connection.lostAt !== undefined;
	if (compact) return String(node.connected);
	return `connected ${node.connected}${stale ? ` as of ${clockTime(node.connection.lostAt!)}` : ''}`;
}

/**
 * The per-node part of the header, with several nodes (none with one: the single-broker lines say
 * it all). Each node's name, whether it is live, resyncing, reconnecting (since when, next retry)
 * or down, and its $SYS client count. A node that is not live keeps its rows, shown as stale, so
 * its line says so. Up to three nodes get a line each; more are packed into two lines, the ones
 * that are not live first when they do not all fit.
 */
export function nodeLines(nodes: readonly NodeHeader[], width: number, now?: number): Line[] {
	if (nodes.length <= 1) return [];
	if (nodes.length <= fullFormNodes) {
		const nameWidth = Math.min(20, Math.max(...nodes.map((node) => displayWidth(cleanText(node.name)))));
		return nodes.map((node) => {
			const state = nodeStateText(node, now, false);
			const name = cleanText(node.name);
			const line: Line = [
				{text: `${name}${' '.repeat(Math.max(0, nameWidth - displayWidth(name)))}  `, bold: true},
				{text: cleanText(state.text), color: state.color, bold: !state.live},
				{text: ` · ${nodeCount(node, false)}`, dim: !state.live},
			];
			if (!state.live) line.push({text: ' · its rows are stale', color: theme.danger});
			return clip(line, width);
		});
	}

	const parts = nodes.map((node) => {
		const state = nodeStateText(node, now, true);
		return {
			live: state.live,
			line: [
				{text: `${cleanText(node.name)} `, bold: true},
				{text: cleanText(state.text), color: state.color, bold: !state.live},
				{text: ` ${nodeCount(node, true)}`, dim: !state.live},
			] as Line,
		};
	});
	const pack = (ordered: typeof parts, room: number): {lines: Line[]; left: typeof parts} => {
		const lines: Line[] = [];
		let index = 0;
		for (let n = 0; n < compactLines && index < ordered.length; n++) {
			const line: Line = [];
			let used = 0;
			while (index < ordered.length) {
				const w = displayWidth(lineText(ordered[index].line)) + (line.length > 0 ? 2 : 0);
				if (used + w > (n === compactLines - 1 ? room : width) && line.length > 0) break;
				if (line.length > 0) line.push({text: '  '});
				line.push(...ordered[index].line);
				used += w;
				index++;
			}

			lines.push(clip(line, width));
		}

		return {lines, left: ordered.slice(index)};
	};

	const all = pack(parts, width);
	if (all.left.length === 0) return all.lines;
	// Not all fit: the nodes that are not live must not be the ones left out.
	const ordered = [...parts.filter((p) => !p.live), ...parts.filter((p) => p.live)];
	const more = (left: typeof parts) => {
		const down = left.filter((p) => !p.live).length;
		return `  +${left.length} more${down > 0 ? ` (${down} not live)` : ' (live)'}`;
	};

	const packed = pack(ordered, width - more(ordered).length);
	if (packed.left.length === 0) return packed.lines;
	const last = packed.lines.at(-1)!;
	const tail = more(packed.left);
	const down = packed.left.some((p) => !p.live);
	last.push({text: tail, dim: !down, color: down ? theme.danger : undefined, bold: down});
	return packed.lines;
}

/** The header, already fitted to `width`: its length is the header's height. */
export function headerLines(input: HeaderInput, width: number): Line[] {
	const lines: Line[] = [identity(input, width), population(input, width), rates(input, width), view(input, width)];
	const several = (input.nodes?.length ?? 0) > 1;
	if (several) lines.splice(1, 0, ...nodeLines(input.nodes!, width, input.now));
	if (input.logFile) lines.push(logFileLine(input.logFile, width));
	// With several nodes each node's line says how its link is; this one is for a single broker.
	const link = several ? undefined : connectionText(input.connection, input.now);
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
