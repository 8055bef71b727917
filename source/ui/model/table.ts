import type {Session} from '../../model/types.js';
import {fit} from '../text.js';
import type {SortOrder} from '../../model/sort.js';
import {cellText, headingText, type Layout} from '../columns.js';
import {theme} from '../theme.js';
import {clip, type Line} from './line.js';
import {rowKey} from './row-key.js';

export type RowFlags = {
	selected: boolean;
	marked: boolean;
	isNew: boolean;
	/**
	 * The link to the broker is down since this time: an online row is only what was known then,
	 * so it says `stale` instead of `online` and its connection time stops counting.
	 */
	staleSince?: number;
};

/**
 * One table row as styled segments: the mark column, the cells, the status in its colour. The
 * selected row gets `>`, marked rows `*`, rows new since the last tick `+` (and bold): all
 * visible without colour too (NO_COLOR, TERM=dumb, a screen reader).
 */
export function rowLine(session: Session, layout: Layout, liveNow: number, flags: RowFlags): Line {
	const stale = flags.staleSince !== undefined && session.status === 'online';
	const now = stale ? Math.min(liveNow, flags.staleSince!) : liveNow;
	const mark = (flags.selected ? theme.selectedSymbol : ' ') + (flags.marked ? theme.markSymbol : flags.isNew ? theme.newSymbol : ' ');
	const line: Line = [{text: mark.padEnd(layout.markWidth), bold: true, color: flags.marked ? theme.warning : theme.newRow}];
	let plainRun = '';
	const flush = () => {
		if (plainRun) line.push({text: plainRun, bold: flags.isNew, color: flags.isNew ? theme.newRow : undefined, dim: session.accountOnly});
		plainRun = '';
	};

	layout.columns.forEach((column, i) => {
		const text = cellText(column, session, now) + (i < layout.columns.length - 1 ? ' ' : '');
		if (column.id === 'status' && stale) {
			flush();
			line.push({
				text: fit('stale', column.cells, column.align) + (i < layout.columns.length - 1 ? ' ' : ''),
				color: theme.warning,
				bold: true,
			});
		} else if (column.id === 'status') {
			flush();
			line.push({text, color: theme.status[session.status], bold: session.status !== 'online' || flags.isNew});
		} else if (column.id === 'flaps' && column.value(session, now) !== '0') {
			flush();
			line.push({text, color: theme.warning});
		} else {
			plainRun += text;
		}
	});
	flush();
	return line;
}

export type TableInput = {
	/** Only the rows that fit, already sliced from the snapshot (see BodyProps.visible). */
	visible: readonly Session[];
	layout: Layout;
	sort: SortOrder;
	/** Index of visible[0] in the snapshot. */
	top: number;
	cursor: number;
	marked: ReadonlySet<string>;
	/** Whether a row appeared since the previous tick (Snapshot.isNew: each node counts its own revisions). */
	isNew: (session: Session) => boolean;
	now: number;
	/**
	 * The broker link is down since then: online rows are shown as stale (see RowFlags). With
	 * several nodes, per row: only the rows of a node whose link is down are stale.
	 */
	staleSince?: number | ((session: Session) => number | undefined);
	/** Shown instead of rows when there are none. */
	empty: string;
	/** Cells a line may take: every line is cut to it before it reaches Ink. */
	width: number;
};

/**
 * The table as it appears: the heading, then the visible rows (or the empty message), each cut
 * to `width` cells. `selected` is the index in `lines` of the row drawn inverse (-1 for none).
 */
export function tableLines(input: TableInput): {lines: Line[]; selected: number} {
	const {visible, layout, top, cursor, width} = input;
	const lines: Line[] = [clip([{text: headingText(layout, input.sort), bold: true, underline: true}], width)];
	if (visible.length === 0) {
		lines.push(clip([{text: `  ${input.empty}`, color: theme.muted}], width));
		return {lines, selected: -1};
	}

	let selected = -1;
	for (let i = 0; i < visible.length; i++) {
		const session = visible[i];
		const key = rowKey(session);
		const isSelected = top + i === cursor;
		if (isSelected) selected = lines.length;
		const line = rowLine(session, layout, input.now, {
			selected: isSelected,
			marked: input.marked.has(key),
			isNew: input.isNew(session),
			staleSince: typeof input.staleSince === 'function' ? input.staleSince(session) : input.staleSince,
		});
		lines.push(clip(line, width));
	}

	return {lines, selected};
}
