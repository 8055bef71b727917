import {Text} from 'ink';
import React from 'react';
import {LineView} from './LineView.js';
import type {Line} from './model/line.js';
import {theme} from './theme.js';

export type PromptProps = {
	label: string;
	text: string;
	/** Why the text cannot be applied yet, shown while typing. */
	error?: string;
	hint: string;
};

/** A one-line text prompt with its validation (or a hint) beneath: used for the filter and the export path. */
export function FilterPrompt({label, text, error, hint}: PromptProps): React.JSX.Element {
	const below: Line = error === undefined ? [{text: `  ${hint}`, dim: true}] : [{text: `  ✗ ${error}`, color: theme.danger}];
	return (
		<>
			<Text wrap="truncate-start">
				<Text bold color={theme.accent}>
					{label}
				</Text>
				{text}
				<Text inverse> </Text>
			</Text>
			<LineView line={below} />
		</>
	);
}
