import {Box} from 'ink';
import React from 'react';
import {LinesView} from './LineView.js';
import type {Line} from './model/line.js';
import {theme} from './theme.js';

/**
 * A bordered box around confirmLines(); red when the action is destructive. Shown only when every
 * line fits (see dialogNeeds): the App says "terminal too small" instead of eliding any of them.
 */
export function ConfirmDialog({lines, destructive, height}: {lines: Line[]; destructive: boolean; height: number}): React.JSX.Element {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={destructive ? theme.danger : theme.warning} paddingX={1}>
			<LinesView lines={lines} height={Math.max(1, height - 2)} />
		</Box>
	);
}
