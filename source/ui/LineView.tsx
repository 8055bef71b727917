import chalk, {type ChalkInstance} from 'chalk';
import {Text} from 'ink';
import React from 'react';
import type {Line, Segment} from './model/line.js';

function styled(segment: Segment): string {
	let style: ChalkInstance = chalk;
	if (segment.color) {
		const named = (chalk as unknown as Record<string, ChalkInstance | undefined>)[segment.color];
		style = typeof named === 'function' ? named : chalk.hex(segment.color);
	}

	if (segment.bold) style = style.bold;
	if (segment.dim) style = style.dim;
	if (segment.inverse) style = style.inverse;
	if (segment.underline) style = style.underline;
	return style === chalk ? segment.text : style(segment.text);
}

/**
 * One line of styled segments; never wraps, so every view knows its height exactly. The segments
 * are styled into one string (with chalk, as Ink's own Text does) and handed to a single Text:
 * a row is then one node for React and Ink's layout instead of a dozen.
 */
export function LineView({line, inverse}: {line: Line; inverse?: boolean}): React.JSX.Element {
	if (line.length === 0) return <Text> </Text>;
	let text = '';
	for (const segment of line) text += styled(segment);
	return (
		<Text wrap="truncate-end" inverse={inverse}>
			{text}
		</Text>
	);
}

/** A window of lines: `top` is the first one shown, at most `height` of them. */
export function LinesView({lines, top = 0, height}: {lines: Line[]; top?: number; height?: number}): React.JSX.Element {
	const shown = height === undefined ? lines : lines.slice(top, top + height);
	return (
		<>
			{shown.map((line, i) => (
				<LineView key={top + i} line={line} />
			))}
		</>
	);
}
