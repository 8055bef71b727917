import React from 'react';
import {tableLines, type TableInput} from './model/table.js';
import {PreRendered} from './PreRendered.js';
import {styledLine} from './styled-line.js';

/** The table's input is the pure composer's: the component only hands it to Ink. */
export type SessionTableProps = TableInput;

/**
 * The heading and the rows that fit, as one pre-rendered block of styled lines (PreRendered):
 * one node for React and Yoga instead of one per row, and nothing for Ink to wrap or cut (each
 * line is already at most `width` cells). Rendering every row would cost ~1 s per frame at
 * 10,000 sessions; the slice keeps the block at the screen's height whatever the total.
 */
export function SessionTable(props: SessionTableProps): React.JSX.Element | undefined {
	const {lines, selected} = tableLines(props);
	return <PreRendered lines={lines.map((line, i) => styledLine(line, i === selected))} width={props.width} />;
}
