import {Text} from 'ink';
import React from 'react';
import type {SortOrder} from '../model/sort.js';
import type {Session} from '../model/types.js';
import type {Layout} from './columns.js';
import {tableLines} from './model/table.js';
import {styledLine} from './styled-line.js';

export type SessionTableProps = {
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
 * The heading and the rows that fit, as one pre-rendered block of styled lines in a single Text:
 * one node for React and Yoga instead of one per row, and nothing for Ink to wrap or cut (each
 * line is already at most `width` cells). Rendering every row would cost ~1 s per frame at
 * 10,000 sessions; the slice keeps the block at the screen's height whatever the total.
 */
export function SessionTable(props: SessionTableProps): React.JSX.Element {
	const {lines, selected} = tableLines(props);
	let block = '';
	for (let i = 0; i < lines.length; i++) block += (i > 0 ? '\n' : '') + styledLine(lines[i], i === selected);
	return <Text>{block}</Text>;
}
