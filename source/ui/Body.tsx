import React from 'react';
import type {SortOrder} from '../model/sort.js';
import type {Layout} from './columns.js';
import {ConfirmDialog} from './ConfirmDialog.js';
import {DetailView} from './DetailView.js';
import {HelpView} from './HelpView.js';
import {LinesView} from './LineView.js';
import {confirmLines} from './model/confirm.js';
import type {Session} from '../model/types.js';
import type {Line} from './model/line.js';
import type {Mode} from './model/view-state.js';
import {SessionTable} from './SessionTable.js';

export type BodyProps = {
	mode: Mode;
	/**
	 * The table rows that fit, never the whole snapshot: React's development build walks the
	 * props it diffs, which costs seconds with 100,000 rows.
	 */
	visible: readonly Session[];
	/** Whether a row appeared since the previous tick (Snapshot.isNew). */
	isNew: (session: Session) => boolean;
	now: number;
	/** The broker link is down since then: online rows are shown as stale (per row with several nodes: see SessionTable). */
	staleSince?: number | ((session: Session) => number | undefined);
	/** Detail or help lines, when one of them is open. */
	lines?: Line[];
	scrollMax: number;
	height: number;
	width: number;
	layout: Layout;
	sort: SortOrder;
	top: number;
	cursor: number;
	marked: ReadonlySet<string>;
	/** What the table says when it has no rows. */
	empty: string;
	/** The dialog open and what it says, when it is open. */
	dialog?: Line[];
	/** Said in place of a dialog that does not fit the screen. */
	tooSmall?: Line[];
};

/** The part between the header and the status line: the table, a client, the help or a dialog. */
export function Body(props: BodyProps): React.JSX.Element {
	const {mode, lines} = props;
	if (mode.kind === 'confirm') {
		if (props.tooSmall) return <LinesView lines={props.tooSmall} height={props.height} />;
		return (
			<ConfirmDialog
				lines={props.dialog ?? confirmLines(mode.request, mode.stage, props.width)}
				destructive={mode.request.destructive}
				height={props.height}
			/>
		);
	}

	if (lines && (mode.kind === 'detail' || mode.kind === 'help' || mode.kind === 'alerts')) {
		const scroll = Math.min(mode.scroll, props.scrollMax);
		return mode.kind === 'detail' ? (
			<DetailView lines={lines} scroll={scroll} height={props.height} />
		) : (
			<HelpView lines={lines} scroll={scroll} height={props.height} />
		);
	}

	return (
		<SessionTable
			visible={props.visible}
			layout={props.layout}
			sort={props.sort}
			top={props.top}
			cursor={props.cursor}
			marked={props.marked}
			isNew={props.isNew}
			now={props.now}
			staleSince={props.staleSince}
			empty={props.empty}
			width={props.width}
		/>
	);
}
