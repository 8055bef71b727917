import type {Session} from '../../model/types.js';
import {fit} from '../text.js';
import {cellText, type Layout} from '../columns.js';
import {theme} from '../theme.js';
import type {Line} from './line.js';

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
