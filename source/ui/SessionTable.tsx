import {Text} from 'ink';
import React from 'react';
import {tableLines, type TableInput} from './model/table.js';
import {styledLine} from './styled-line.js';

/** The table's input is the pure composer's: the component only hands it to Ink. */
export type SessionTableProps = TableInput;

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
