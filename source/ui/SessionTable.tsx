import {Box, Text} from 'ink';
import React from 'react';
import type {SortOrder} from '../model/sort.js';
import type {Session} from '../model/types.js';
import {headingText, type Layout} from './columns.js';
import {LineView} from './LineView.js';
import {rowKey} from './model/row-key.js';
import {rowLine} from './model/table.js';
import {theme} from './theme.js';

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
};

export function SessionTable(props: SessionTableProps): React.JSX.Element {
	// Ink lays out the whole tree on every commit, so rendering every row would cost ~1 s per
	// frame at 10,000 sessions; the slice keeps a frame at a few ms whatever the total.
	const {visible, layout, top, cursor} = props;
	return (
		<Box flexDirection="column">
			<Text bold underline wrap="truncate-end">
				{headingText(layout, props.sort)}
			</Text>
			{visible.length === 0 ? (
				<Text color={theme.muted} wrap="truncate-end">
					{'  '}
					{props.empty}
				</Text>
			) : (
				visible.map((session, i) => {
					const key = rowKey(session);
					return (
						<LineView
							key={key}
							inverse={top + i === cursor}
							line={rowLine(session, layout, props.now, {
								selected: top + i === cursor,
								marked: props.marked.has(key),
								isNew: props.isNew(session),
								staleSince: typeof props.staleSince === 'function' ? props.staleSince(session) : props.staleSince,
							})}
						/>
					);
				})
			)}
		</Box>
	);
}
