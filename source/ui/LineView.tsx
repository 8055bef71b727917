import {Text} from 'ink';
import React from 'react';
import type {Line} from './model/line.js';
import {styledLine} from './styled-line.js';

/**
 * One line of styled segments; never wraps, so every view knows its height exactly. The segments
 * are styled into one string (with chalk, as Ink's own Text does) and handed to a single Text:
 * a row is then one node for React and Ink's layout instead of a dozen.
 */
export function LineView({line, inverse}: {line: Line; inverse?: boolean}): React.JSX.Element {
	if (line.length === 0) return <Text> </Text>;
	const text = styledLine(line);
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
