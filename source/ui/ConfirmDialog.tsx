import {Box} from 'ink';
import React from 'react';
import {LinesView} from './LineView.js';
import type {Line} from './model/line.js';
import {theme} from './theme.js';

/** A bordered box around confirmLines(); red when the action is destructive. */
export function ConfirmDialog({lines, destructive, height}: {lines: Line[]; destructive: boolean; height: number}): React.JSX.Element {
	const inner = Math.max(1, height - 2);
	// When the list is longer than the screen, keep the question (the last lines) visible.
	const shown = lines.length > inner ? [...lines.slice(0, inner - 3), [{text: '  …', dim: true}], ...lines.slice(-2)] : lines;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={destructive ? theme.danger : theme.warning} paddingX={1}>
			<LinesView lines={shown} />
		</Box>
	);
}
