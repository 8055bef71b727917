import {Text} from 'ink';
import React from 'react';
import {cleanText} from '../util/sanitize.js';
import type {Status} from './model/view-state.js';
import {theme, toneColor} from './theme.js';

/** The outcome of the last action, export or copy (or what is running now). */
export function StatusLine({status, busy}: {status?: Status; busy?: string}): React.JSX.Element {
	if (busy !== undefined) {
		return (
			<Text color={theme.accent} wrap="truncate-end">
				… {cleanText(busy)}
			</Text>
		);
	}

	if (status === undefined) return <Text> </Text>;
	// Outcomes quote broker text (client IDs, reasons): cleaned again here, whatever built them.
	return (
		<Text color={toneColor[status.tone]} bold={status.tone === 'error'} wrap="truncate-end">
			{cleanText(status.text)}
		</Text>
	);
}
