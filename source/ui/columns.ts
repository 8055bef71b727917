import {flaps, type SortColumn} from '../model/sort.js';
import type {Session} from '../model/types.js';
import {persistence} from '../model/persistence.js';
import {cleanText} from '../util/sanitize.js';
import {formatCount, formatDuration} from './format.js';
import {theme} from './theme.js';
import {displayWidth, fit, truncateMiddle} from './text.js';

export type ColumnId =
	| 'node'
	| 'clientId'
	| 'username'
	| 'address'
	| 'protocol'
	| 'clean'
	| 'keepAlive'
	| 'connected'
	| 'subs'
	| 'queued'
	| 'status'
	| 'flaps'
	| 'inRate'
	| 'outRate'
	| 'lastSeen';

type ColumnSpec = {
	id: ColumnId;
	title: string;
	/** Title when the terminal is too narrow for the full one. */
	short: string;
	width: number;
	narrowWidth: number;
	align: 'left' | 'right';
	/** Cut long values in the middle: node names of one host differ only at the end (their port). */
	cutMiddle?: boolean;
	sort: SortColumn;
	/** Dropped in this order (lowest first) when even narrow widths do not fit; 0 = never. */
	drop: number;
	/** Only shown when the broker's file log gives per-client traffic (debug lines). */
	traffic?: boolean;
	/** Only shown when the sessions span several nodes (brokers or cluster nodes). */
	node?: boolean;
	/** Only shown when a node counts queued messages per session. */
	queued?: boolean;
	value: (session: Session, now: number) => string;
};

function connectedAge(session: Session, now: number): string {
	return session.status === 'online' && session.connectedAt !== undefined ? formatDuration(now - session.connectedAt) : '-';
}

function rate(value: number | undefined): string {
	if (value === undefined) return '-';
	return value === 0 ? '0' : value < 10 ? value.toFixed(1) : String(Math.round(value));
}

/** The table's columns in display order. Client ID takes whatever width the others leave. */
export const columnSpecs: readonly ColumnSpec[] = [
	{
		id: 'node',
		title: 'Node',
		short: 'Node',
		// Fitted to the names on screen (see layoutColumns); these are the most it takes.
		width: 16,
		narrowWidth: 10,
		align: 'left',
		sort: 'node',
		// Never dropped: without it two rows with one client ID on two brokers look the same.
		drop: 0,
		node: true,
		cutMiddle: true,
		value: (s) => cleanText(s.node),
	},
	{
		id: 'clientId',
		title: 'Client ID',
		short: 'Client ID',
		width: 0,
		narrowWidth: 0,
		align: 'left',
		sort: 'clientId',
		drop: 0,
		value: (s) => (s.accountOnly ? '(no known session)' : cleanText(s.clientId)),
	},
	{
		id: 'username',
		title: 'Username',
		short: 'User',
		width: 14,
		// One cell less than it would like, so that Status fits `offline?` at 80 columns.
		narrowWidth: 9,
		align: 'left',
		sort: 'username',
		drop: 7,
		value: (s) => (s.username === undefined ? '-' : cleanText(s.username)),
	},
	{
		id: 'address',
		title: 'Address',
		short: 'Address',
		width: 15,
		narrowWidth: 15,
		align: 'left',
		sort: 'address',
		drop: 5,
		value: (s) => (s.address === undefined ? '-' : cleanText(s.address)),
	},
	{
		id: 'protocol',
		title: 'Proto',
		short: 'Proto',
		width: 5,
		narrowWidth: 5,
		align: 'left',
		sort: 'protocol',
		drop: 3,
		value: (s) => s.protocol ?? '-',
	},
	{
		id: 'clean',
		title: 'Clean',
		short: 'Cln',
		width: 5,
		narrowWidth: 3,
		align: 'left',
		sort: 'cleanSession',
		drop: 1,
		value: (s) => (s.cleanSession === undefined ? '-' : s.cleanSession ? 'yes' : 'no'),
	},
	{
		id: 'keepAlive',
		title: 'Keep-alive',
		short: 'KA',
		width: 10,
		narrowWidth: 5,
		align: 'right',
		sort: 'keepAlive',
		drop: 2,
		value: (s) => (s.keepAlive === undefined ? '-' : s.keepAlive === 0 ? 'off' : `${s.keepAlive}s`),
	},
	{
		id: 'connected',
		title: 'Connected',
		short: 'Conn',
		width: 9,
		narrowWidth: 6,
		align: 'right',
		sort: 'connectedAt',
		drop: 8,
		value: connectedAge,
	},
	{
		id: 'subs',
		title: 'Subs',
		short: 'Subs',
		width: 4,
		narrowWidth: 4,
		align: 'right',
		sort: 'subscriptions',
		drop: 4,
		value: (s) => String(s.subscriptions.size),
	},
	{
		id: 'queued',
		title: 'Queued',
		short: 'Queue',
		// Room for the sort arrow beside the title.
		width: 7,
		narrowWidth: 6,
		align: 'right',
		sort: 'queued',
		// Kept longer than most: where a broker counts queues, a growing one is what an incident is about.
		drop: 6.5,
		queued: true,
		// Blank, not 0, when the broker did not say: a Mosquitto row in a mixed fleet, or a queue not listed.
		value: (s) => (s.queued === undefined ? '' : formatCount(s.queued)),
	},
	{
		id: 'status',
		title: 'Status',
		short: 'Status',
		width: 8,
		// Wide enough for `offline?` everywhere: a status cut to `offlin…` hides the very doubt it marks.
		narrowWidth: 8,
		align: 'left',
		sort: 'status',
		drop: 0,
		// `offline?`: an MQTT 5 session that may or may not still be kept by the broker.
		value: (s) => (s.status === 'offline' && persistence(s) === 'unknown' ? 'offline?' : s.status),
	},
	{
		id: 'flaps',
		title: 'Flaps',
		short: 'Flaps',
		width: 5,
		narrowWidth: 5,
		align: 'right',
		sort: 'flaps',
		drop: 6,
		value: (s) => String(flaps(s)),
	},
	{
		id: 'inRate',
		title: 'In/s',
		short: 'In/s',
		width: 6,
		narrowWidth: 5,
		align: 'right',
		sort: 'inPerSecond',
		drop: 0.3,
		traffic: true,
		value: (s) => rate(s.inPerSecond),
	},
	{
		id: 'outRate',
		title: 'Out/s',
		short: 'Out/s',
		width: 6,
		narrowWidth: 5,
		align: 'right',
		sort: 'outPerSecond',
		drop: 0.2,
		traffic: true,
		value: (s) => rate(s.outPerSecond),
	},
	{
		id: 'lastSeen',
		title: 'Seen',
		short: 'Seen',
		width: 6,
		narrowWidth: 6,
		align: 'right',
		sort: 'lastSeen',
		drop: 0.1,
		traffic: true,
		value: (s, now) => (s.lastSeen === undefined ? '-' : formatDuration(now - s.lastSeen)),
	},
];

export type LaidOutColumn = ColumnSpec & {cells: number; heading: string};

export type Layout = {columns: LaidOutColumn[]; markWidth: number; width: number};

/** Width of the mark column (`>` selected, `*` marked, `+` new) plus its gap. */
const markWidth = 3;
const comfortableClientId = 24;
const minimumClientId = 16;

function clientIdWidth(width: number, specs: readonly ColumnSpec[], narrow: boolean): number {
	const others = specs.filter((c) => c.id !== 'clientId');
	const used = others.reduce((sum, c) => sum + (narrow ? c.narrowWidth : c.width) + 1, 0);
	return width - markWidth - used;
}

export type LayoutOptions = {
	traffic?: boolean;
	/** The nodes' names: with more than one, a Node column as wide as the longest name (within limits). */
	nodes?: readonly string[];
	/** A node counts queued messages per session (see ui/model/queued.ts). */
	queued?: boolean;
};

/** The Node column, no wider than the names need (but wide enough for its title). */
function nodeSpec(spec: ColumnSpec, nodes: readonly string[]): ColumnSpec {
	const longest = Math.max(4, ...nodes.map((name) => displayWidth(cleanText(name))));
	return {...spec, width: Math.min(spec.width, longest), narrowWidth: Math.min(spec.narrowWidth, longest)};
}

/**
 * Fits the columns into `width` cells: full titles when there is room, narrow ones next, then
 * drops the least useful columns (they stay in the detail view) so Client ID keeps at least
 * `minimumClientId` cells. Client ID gets all the spare width.
 */
export function layoutColumns(width: number, options: LayoutOptions = {}): Layout {
	const nodes = options.nodes ?? [];
	let specs = columnSpecs
		.filter((c) => (!c.traffic || options.traffic) && (!c.node || nodes.length > 1) && (!c.queued || options.queued))
		.map((c) => (c.node ? nodeSpec(c, nodes) : c));
	let narrow = false;
	if (clientIdWidth(width, specs, false) < comfortableClientId) narrow = true;
	const droppable = specs.filter((c) => c.drop > 0).sort((a, b) => a.drop - b.drop);
	while (narrow && clientIdWidth(width, specs, true) < minimumClientId && droppable.length > 0) {
		const victim = droppable.shift()!;
		specs = specs.filter((c) => c !== victim);
	}

	const idWidth = Math.max(8, clientIdWidth(width, specs, narrow));
	return {
		markWidth,
		width,
		columns: specs.map((c) => {
			const cells = c.id === 'clientId' ? idWidth : narrow ? c.narrowWidth : c.width;
			return {...c, cells, heading: narrow ? c.short : c.title};
		}),
	};
}

/** One cell's text for a session, already cut and padded to the column. */
export function cellText(column: LaidOutColumn, session: Session, now: number): string {
	const value = column.value(session, now);
	return fit(column.cutMiddle ? truncateMiddle(value, column.cells) : value, column.cells, column.align);
}

/** The heading row, with ▲/▼ on the sorted column. */
export function headingText(layout: Layout, sort: {column: SortColumn; descending: boolean}): string {
	const parts = layout.columns.map((c) => {
		const arrow = c.sort === sort.column ? (sort.descending ? theme.descending : theme.ascending) : '';
		// The arrow goes where the title leaves room; on a right-aligned column it leads.
		const title = c.align === 'right' ? arrow + c.heading : c.heading + arrow;
		return fit(title, c.cells, c.align);
	});
	return ' '.repeat(layout.markWidth) + parts.join(' ');
}

/** The title of a sortable column, for the header's "sort:" field. */
export function sortTitle(column: SortColumn): string {
	return columnSpecs.find((c) => c.sort === column)?.title ?? column;
}

/** The sort keys of the columns on screen, left to right: what < and > cycle through. */
export function sortableColumns(layout: Layout): SortColumn[] {
	return layout.columns.map((c) => c.sort);
}
