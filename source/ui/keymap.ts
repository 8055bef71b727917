import type {Key} from 'ink';

// The ONE table of keys. Input handling resolves key presses through it and the help view and
// footer are generated from it, so a key cannot work without being documented or be documented
// without working.

export type Scope = 'table' | 'detail' | 'help' | 'alerts' | 'prompt' | 'confirm';
export const scopes: readonly Scope[] = ['table', 'detail', 'help', 'alerts', 'prompt', 'confirm'];

export type Command =
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'top'
	| 'bottom'
	| 'filter'
	| 'sortPrevious'
	| 'sortNext'
	| 'reverse'
	| 'open'
	| 'back'
	| 'mark'
	| 'clearMarks'
	| 'kick'
	| 'block'
	| 'unblock'
	| 'pause'
	| 'toggleInactive'
	| 'export'
	| 'copy'
	| 'help'
	| 'alerts'
	| 'watch'
	| 'quit'
	| 'apply'
	| 'cancel'
	| 'deleteChar'
	| 'confirm'
	| 'confirmDestructive'
	| 'history'
	| 'historyBack'
	| 'historyForward';

type NamedKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'backspace' | 'delete';

export type KeySpec = {input: string; ctrl?: boolean} | {key: NamedKey};

export type Binding = {
	command: Command;
	scopes: readonly Scope[];
	keys: readonly KeySpec[];
	/** How the help view and footer name the keys. */
	label: string;
	description: string;
	/** Short word for the footer; bindings without one are only in the help view. */
	footer?: string;
	/** Keys as the footer shows them, when they stand for a pair of bindings (↑↓, <>). */
	footerKeys?: string;
	/** Acts on the broker: absent in --read-only mode. */
	writes?: boolean;
	/** Matches any key no other binding of the scope matches. */
	fallback?: boolean;
};

const everywhere = scopes;
const browsing: readonly Scope[] = ['table', 'detail'];
const scrolling: readonly Scope[] = ['detail', 'help', 'alerts'];

export const keymap: readonly Binding[] = [
	{command: 'up', scopes: ['table'], keys: [{key: 'upArrow'}, {input: 'k'}], label: '↑ k', description: 'select the previous row'},
	{
		command: 'down',
		scopes: ['table'],
		keys: [{key: 'downArrow'}, {input: 'j'}],
		label: '↓ j',
		description: 'select the next row',
		footer: 'move',
		footerKeys: '↑↓',
	},
	{command: 'pageUp', scopes: ['table'], keys: [{key: 'pageUp'}], label: 'PgUp', description: 'one page up'},
	{command: 'pageDown', scopes: ['table'], keys: [{key: 'pageDown'}], label: 'PgDn', description: 'one page down'},
	{command: 'top', scopes: ['table'], keys: [{input: 'g'}, {key: 'home'}], label: 'g Home', description: 'first row'},
	{command: 'bottom', scopes: ['table'], keys: [{input: 'G'}, {key: 'end'}], label: 'G End', description: 'last row'},
	{command: 'up', scopes: scrolling, keys: [{key: 'upArrow'}, {input: 'k'}], label: '↑ k', description: 'scroll up'},
	{
		command: 'down',
		scopes: scrolling,
		keys: [{key: 'downArrow'}, {input: 'j'}],
		label: '↓ j',
		description: 'scroll down',
		footer: 'scroll',
		footerKeys: '↑↓',
	},
	{command: 'pageUp', scopes: scrolling, keys: [{key: 'pageUp'}], label: 'PgUp', description: 'scroll one page up'},
	{command: 'pageDown', scopes: scrolling, keys: [{key: 'pageDown'}], label: 'PgDn', description: 'scroll one page down'},
	{command: 'top', scopes: scrolling, keys: [{input: 'g'}, {key: 'home'}], label: 'g Home', description: 'scroll to the top'},
	{command: 'bottom', scopes: scrolling, keys: [{input: 'G'}, {key: 'end'}], label: 'G End', description: 'scroll to the bottom'},
	{
		command: 'open',
		scopes: ['table'],
		keys: [{key: 'return'}],
		label: 'Enter',
		description: 'open the selected client: every field, subscriptions, recent events',
		footer: 'detail',
	},
	{
		command: 'filter',
		scopes: ['table'],
		keys: [{input: '/'}],
		label: '/',
		description: 'filter, e.g. user:alice -status:offline topic:home/# (Enter applies, Esc clears)',
		footer: 'filter',
	},
	{command: 'sortPrevious', scopes: ['table'], keys: [{input: '<'}], label: '<', description: 'sort by the column to the left'},
	{
		command: 'sortNext',
		scopes: ['table'],
		keys: [{input: '>'}],
		label: '>',
		description: 'sort by the column to the right',
		footer: 'sort',
		footerKeys: '<>',
	},
	{command: 'reverse', scopes: ['table'], keys: [{input: 'r'}], label: 'r', description: 'reverse the sort order'},
	{
		command: 'mark',
		scopes: ['table'],
		keys: [{input: ' '}],
		label: 'space',
		description: 'mark or unmark the row; actions apply to marked rows, else to the selected one',
		footer: 'mark',
	},
	{
		command: 'clearMarks',
		scopes: ['table'],
		keys: [{key: 'escape'}],
		label: 'Esc',
		description: 'clear all marks; in history, back to live',
	},
	{
		command: 'back',
		scopes: ['detail'],
		keys: [{key: 'escape'}],
		label: 'Esc',
		description: 'back to the table, at the same row',
		footer: 'back',
	},
	{
		command: 'kick',
		scopes: browsing,
		keys: [{input: 'K'}],
		label: 'K',
		description:
			'kick: disconnect the client, after confirmation (the dialog names everyone it disconnects: on some brokers every session of the username)',
		footer: 'kick',
		writes: true,
	},
	{
		command: 'block',
		scopes: browsing,
		keys: [{input: 'B'}],
		label: 'B',
		description: 'block: ban the username (or the client ID, where the broker bans those) and disconnect its sessions, after confirmation',
		footer: 'block',
		writes: true,
	},
	{
		command: 'unblock',
		scopes: browsing,
		keys: [{input: 'U'}],
		label: 'U',
		description: 'unblock: lift the ban again, after confirmation',
		footer: 'unblock',
		writes: true,
	},
	{
		command: 'pause',
		scopes: browsing,
		keys: [{input: 'p'}],
		label: 'p',
		description: 'pause or resume the display (events are still collected)',
		footer: 'pause',
	},
	{
		command: 'history',
		scopes: ['table'],
		keys: [{input: 't'}],
		label: 't',
		description: 'time travel: freeze the table at this moment, from the broker log (t again or Esc: live)',
		footer: 'history',
	},
	{
		command: 'historyBack',
		scopes: ['table'],
		keys: [{input: '['}],
		label: '[',
		description: 'history: one minute back (from live: freeze first)',
	},
	{
		command: 'historyForward',
		scopes: ['table'],
		keys: [{input: ']'}],
		label: ']',
		description: 'history: one minute forward (past now: live)',
	},
	{
		command: 'toggleInactive',
		scopes: ['table'],
		keys: [{input: 'o'}],
		label: 'o',
		description: 'show or hide offline and blocked rows',
		footer: 'offline',
	},
	{
		command: 'export',
		scopes: ['table'],
		keys: [{input: 'e'}],
		label: 'e',
		description: 'export the filtered view to a .csv or .json file',
		footer: 'export',
	},
	{
		command: 'copy',
		scopes: browsing,
		keys: [{input: 'c'}],
		label: 'c',
		description: 'copy the client ID to the clipboard (OSC 52, works over SSH)',
		footer: 'copy',
	},
	{
		command: 'watch',
		scopes: browsing,
		keys: [{input: 'w'}],
		label: 'w',
		description: 'watch the selected client (or the marked ones): an alert when it goes offline; w again stops (for this session only)',
		footer: 'watch',
	},
	{
		command: 'alerts',
		scopes: browsing,
		keys: [{input: 'A'}],
		label: 'A',
		description: 'list the alerts, newest first, with time, rule, node and client',
		footer: 'alerts',
	},
	{command: 'help', scopes: browsing, keys: [{input: '?'}], label: '?', description: 'this help', footer: 'help'},
	{
		command: 'back',
		scopes: ['help'],
		keys: [{key: 'escape'}, {input: '?'}],
		label: 'Esc ?',
		description: 'close the help',
		footer: 'close',
	},
	{
		command: 'back',
		scopes: ['alerts'],
		keys: [{key: 'escape'}, {input: 'A'}],
		label: 'Esc A',
		description: 'close the alerts',
		footer: 'close',
	},
	{
		command: 'apply',
		scopes: ['prompt'],
		keys: [{key: 'return'}],
		label: 'Enter',
		description: 'apply the filter, or write the export',
		footer: 'apply',
	},
	{
		command: 'cancel',
		scopes: ['prompt'],
		keys: [{key: 'escape'}],
		label: 'Esc',
		description: 'clear the filter, or cancel the export',
		footer: 'clear/cancel',
	},
	{
		command: 'deleteChar',
		scopes: ['prompt'],
		keys: [{key: 'backspace'}, {key: 'delete'}],
		label: 'Backspace',
		description: 'delete the last character',
	},
	{
		command: 'confirm',
		scopes: ['confirm'],
		keys: [{input: 'y'}],
		label: 'y',
		description: 'carry out the action shown',
		footer: 'confirm',
		writes: true,
	},
	{
		command: 'confirmDestructive',
		scopes: ['confirm'],
		keys: [{input: 'Y'}],
		label: 'Y',
		description: 'second step for a takeover that destroys a persistent or unknown session',
		footer: 'destroy the session',
		writes: true,
	},
	{
		command: 'cancel',
		scopes: ['confirm'],
		keys: [],
		label: 'any other key',
		description: 'cancel: nothing is sent to the broker',
		footer: 'cancels',
		fallback: true,
	},
	{command: 'quit', scopes: ['table', 'detail', 'help', 'alerts'], keys: [{input: 'q'}], label: 'q', description: 'quit', footer: 'quit'},
	{command: 'quit', scopes: everywhere, keys: [{input: 'c', ctrl: true}], label: 'Ctrl-C', description: 'quit, from anywhere'},
];

/** The bindings that exist in this mode: --read-only removes every one that acts on the broker. */
export function bindingsFor(scope: Scope, readOnly: boolean): Binding[] {
	return keymap.filter((b) => b.scopes.includes(scope) && !(readOnly && b.writes));
}

function matches(spec: KeySpec, input: string, key: Key): boolean {
	if ('key' in spec) return key[spec.key];
	if (key.meta) return false;
	return input === spec.input && Boolean(key.ctrl) === Boolean(spec.ctrl);
}

/** The binding a key press triggers in `scope`, if any. */
export function resolveKey(scope: Scope, input: string, key: Key, readOnly: boolean): Binding | undefined {
	const bindings = bindingsFor(scope, readOnly);
	return bindings.find((b) => b.keys.some((spec) => matches(spec, input, key))) ?? bindings.find((b) => b.fallback);
}

// Kept in the footer however narrow the terminal: the way to the help and the way out.
const essentialCommands: ReadonlySet<Command> = new Set(['help', 'quit', 'back', 'apply', 'cancel', 'confirm']);

/** `key label` pairs for the footer of a scope, in table order; `hide` leaves commands out for the moment. */
export function footerHints(
	scope: Scope,
	readOnly: boolean,
	hide: readonly Command[] = [],
): Array<{keys: string; label: string; essential: boolean}> {
	const hints: Array<{keys: string; label: string; essential: boolean}> = [];
	for (const binding of bindingsFor(scope, readOnly)) {
		if (!binding.footer || hide.includes(binding.command)) continue;
		hints.push({keys: binding.footerKeys ?? binding.label, label: binding.footer, essential: essentialCommands.has(binding.command)});
	}

	return hints;
}
