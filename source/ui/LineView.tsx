import {Text} from 'ink';
import React from 'react';
import type {Line} from './model/line.js';

/** One line of styled segments; never wraps, so every view knows its height exactly. */
export function LineView({line, inverse}: {line: Line; inverse?: boolean}): React.JSX.Element {
	if (line.length === 0) return <Text> </Text>;
	return (
		<Text wrap="truncate-end" inverse={inverse}>
			{line.map((s, i) => (
				<Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse} underline={s.underline}>
					{s.text}
				</Text>
			))}
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
