import {displayWidth} from '../text.js';
import {theme} from '../theme.js';
import {lineText, wrapped, type Line} from './line.js';

export type Size = {columns: number; rows: number};

/** The smallest screen the monitor draws on: narrower, its columns and header no longer say anything. */
export const minimumColumns = 30;

/**
 * Cells a bordered dialog (round border and one column of padding each side) needs to show every
 * line whole. Nothing is elided to make it fit: a confirmation that hides whom it affects must
 * not be confirmable.
 */
export function dialogNeeds(lines: Line[]): Size {
	let widest = 0;
	for (const line of lines) widest = Math.max(widest, displayWidth(lineText(line)));
	return {columns: widest + 4, rows: lines.length + 2};
}

export function fits(needs: Size, has: Size): boolean {
	return needs.columns <= has.columns && needs.rows <= has.rows;
}

/** What the screen says in place of a view that does not fit: the sizes first, then what to do. */
export function tooSmallLines(has: Size, needs: Size, then: string, width: number): Line[] {
	return [
		...wrapped(`terminal too small: ${has.columns}×${has.rows}, needs ${needs.columns}×${needs.rows}`, width, {
			color: theme.warning,
			bold: true,
		}),
		...wrapped(then, width, {}),
	];
}
