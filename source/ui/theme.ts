import type {SessionStatus} from '../model/types.js';

/**
 * Every colour and symbol the monitor uses, in one place so the views stay consistent and a
 * palette change is one edit. Colours are Ink/chalk names (16-colour safe over any SSH session).
 */
export const theme = {
	status: {online: 'green', offline: 'yellow', blocked: 'red'} satisfies Record<SessionStatus, string>,
	accent: 'cyan',
	warning: 'yellow',
	danger: 'red',
	ok: 'green',
	muted: 'gray',
	newRow: 'cyan',
	markSymbol: '*',
	newSymbol: '+',
	selectedSymbol: '>',
	ascending: '▲',
	descending: '▼',
	sparks: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
} as const;

export type Tone = 'info' | 'ok' | 'warning' | 'error';

export const toneColor: Record<Tone, string | undefined> = {
	info: undefined,
	ok: theme.ok,
	warning: theme.warning,
	error: theme.danger,
};
