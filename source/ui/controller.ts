import type {Key} from 'ink';
import type {SortColumn} from '../model/sort.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';
import {resolveKey, type Command, type Scope} from './keymap.js';
import type {ActionKind, ActionRequest, Prepared} from './model/action-request.js';
import {exportFormat} from './model/export-file.js';
import {requestTarget, type Result} from './model/perform-action.js';
import type {Rows} from './model/rows.js';
import {cursorIndex, reduceView, type Mode, type RowIndex, type ViewAction, type ViewState} from './model/view-state.js';

/** Everything a key press may touch: the view state, and the effects the App provides. */
export type KeyContext = {
	state: ViewState;
	dispatch: (action: ViewAction) => void;
	rows: RowIndex;
	/** The snapshot's rows (for opening a row's detail). */
	sessions: Rows;
	/** Sort keys of the columns on screen. */
	sortColumns: readonly SortColumn[];
	/** Rows that fit the table, or lines that fit the detail/help body. */
	pageSize: number;
	/** Last scroll position of the detail or help view. */
	scrollMax: number;
	/** The session the detail view shows. */
	detailSession?: Session;
	readOnly: boolean;
	/**
	 * The screen is smaller than the monitor ('screen': only quitting works) or than the open
	 * dialog ('dialog': it cannot be confirmed, since it cannot show whom it affects).
	 */
	tooSmall?: 'screen' | 'dialog';
	/** Asks for a fresh snapshot now. */
	refresh(): void;
	quit(): void;
	/** `w`: toggles a down: watch on these sessions; answers which way it went. */
	watch?(sessions: Session[]): 'watching' | 'stopped';
	copy(text: string): void;
	targets(keys: Iterable<string>): Session[];
	prepare(kind: ActionKind, targets: Session[]): Prepared;
	perform(request: ActionRequest): Promise<Result>;
	/** Records an action refused before anything was sent; answers why that could not be recorded, if so. */
	/** `nodes`: the nodes the refused action was about (its audit line names their brokers). */
	refused(kind: ActionKind, target: string, why: string, nodes: readonly string[]): Promise<string | undefined>;
	exportTo(file: string): Promise<{file: string; count: number}>;
	defaultExportPath(): string;
	/** Time travel: the moment shown (undefined while live) and the moves. */
	history?: {moment?: number; freeze(): void; step(by: number): void; live(): void};
};

/** `[` and `]` move the history by a minute. */
const historyStepMs = 60_000;

export function scopeOf(mode: Mode): Scope {
	switch (mode.kind) {
		case 'filter':
		case 'export':
			return 'prompt';
		default:
			return mode.kind;
	}
}

// Printable text only: a pasted escape sequence must not end up in a filter or a path.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f]/g;

const verbs: Record<ActionKind, string> = {kick: 'kicking', block: 'blocking', unblock: 'unblocking'};

/** Records a refusal in the audit log; the status line says so only when that failed. */
function recordRefusal(ctx: KeyContext, kind: ActionKind, target: string, why: string, status: string, nodes: readonly string[]): void {
	const {dispatch} = ctx;
	void ctx.refused(kind, target, why, nodes).then((unrecorded) => {
		if (unrecorded) dispatch({type: 'status', status: {text: `${status} (not recorded: ${unrecorded})`, tone: 'error'}});
	});
}

function cancelAction(ctx: KeyContext, request: ActionRequest): void {
	const {dispatch} = ctx;
	const text = `${request.kind} cancelled: nothing was sent to the broker`;
	dispatch({type: 'back'});
	dispatch({type: 'status', status: {text, tone: 'info'}});
	recordRefusal(ctx, request.kind, requestTarget(request), 'not confirmed', text, [...new Set(request.plans.map((p) => p.target.node))]);
}

function run(ctx: KeyContext, request: ActionRequest): void {
	const {dispatch} = ctx;
	dispatch({type: 'back'});
	dispatch({type: 'busy', text: `${verbs[request.kind]}: waiting for the broker to confirm…`});
	ctx.perform(request).then(
		(result) => {
			dispatch({type: 'busy', text: undefined});
			dispatch({type: 'status', status: {text: result.message, tone: result.ok ? 'ok' : 'error'}});
			if (result.ok) dispatch({type: 'clearMarks'});
			ctx.refresh();
		},
		(error: unknown) => {
			dispatch({type: 'busy', text: undefined});
			dispatch({type: 'status', status: {text: `${request.kind} failed: ${(error as Error).message}`, tone: 'error'}});
		},
	);
}

function ask(ctx: KeyContext, kind: ActionKind): void {
	const {state, dispatch} = ctx;
	// One action at a time; the status line already says what is running.
	if (state.busy !== undefined) return;

	let targets: Session[];
	if (state.mode.kind === 'detail') targets = ctx.detailSession ? [ctx.detailSession] : [];
	else if (state.marked.size > 0) targets = ctx.targets(state.marked);
	else targets = ctx.sessions.length > 0 ? [ctx.sessions.at(cursorIndex(state, ctx.rows))!] : [];
	const prepared = ctx.prepare(kind, targets);
	if (prepared.ok) {
		dispatch({type: 'ask', request: prepared.request});
	} else {
		dispatch({type: 'status', status: {text: prepared.message, tone: 'warning'}});
		const target = targets.map((s) => (s.accountOnly ? `username ${s.username ?? ''}` : s.clientId)).join(', ');
		recordRefusal(ctx, kind, target || '(none)', prepared.message, prepared.message, [...new Set(targets.map((s) => s.node))]);
	}
}

function startExport(ctx: KeyContext, file: string): void {
	const {dispatch} = ctx;
	if (!exportFormat(file).ok) return; // the prompt already says why
	dispatch({type: 'back'});
	dispatch({type: 'busy', text: 'exporting…'});
	ctx.exportTo(file).then(
		({file: written, count}) => {
			dispatch({type: 'busy', text: undefined});
			dispatch({type: 'status', status: {text: `exported ${count} session${count === 1 ? '' : 's'} to ${written}`, tone: 'ok'}});
		},
		(error: unknown) => {
			dispatch({type: 'busy', text: undefined});
			dispatch({type: 'status', status: {text: `export failed: ${(error as Error).message}`, tone: 'error'}});
		},
	);
}

/** `w`: the detail's client, else the marked rows, else the selected one (as actions choose). */
function toggleWatch(ctx: KeyContext): void {
	const {state, dispatch} = ctx;
	if (!ctx.watch) return;
	let targets: Session[];
	if (state.mode.kind === 'detail') targets = ctx.detailSession ? [ctx.detailSession] : [];
	else if (state.marked.size > 0) targets = ctx.targets(state.marked);
	else targets = ctx.sessions.length > 0 ? [ctx.sessions.at(cursorIndex(state, ctx.rows))!] : [];
	// A row for an account with no session has no client ID to watch.
	targets = targets.filter((session) => !session.accountOnly);
	if (targets.length === 0) {
		dispatch({type: 'status', status: {text: 'nothing to watch: no client selected', tone: 'warning'}});
		return;
	}

	const way = ctx.watch(targets);
	const names = targets.length === 1 ? cleanText(targets[0].clientId) : `${targets.length} clients`;
	const text = way === 'watching' ? `watching ${names}: an alert when it goes offline (w again stops)` : `stopped watching ${names}`;
	dispatch({type: 'status', status: {text, tone: 'ok'}});
}

function copySelected(ctx: KeyContext): void {
	const {state, dispatch} = ctx;
	const session = state.mode.kind === 'detail' ? ctx.detailSession : ctx.sessions.at(cursorIndex(state, ctx.rows))!;
	if (!session || session.accountOnly) {
		dispatch({type: 'status', status: {text: 'nothing to copy: no client selected', tone: 'warning'}});
		return;
	}

	// The escaped form: a client ID holding a newline must not run commands when pasted into a shell.
	const text = cleanText(session.clientId);
	ctx.copy(text);
	const note = text === session.clientId ? '' : ' (control characters escaped)';
	dispatch({type: 'status', status: {text: `copied ${text} to the clipboard via OSC 52${note}`, tone: 'ok'}});
}

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** One character of a multi-character chunk as the key press it stands for. */
function charKey(char: string): [string, Key] {
	if (char === '\r' || char === '\n') return ['', {...noKey, return: true}];
	if (char === '\u007F') return ['', {...noKey, delete: true}];
	if (char === '\b') return ['', {...noKey, backspace: true}];
	return [char, noKey];
}

/**
 * Ink hands over several characters at once when they arrive in one read (a paste, key repeat
 * over a slow SSH link, `tmux send-keys`): in a prompt they are edited in order, elsewhere each
 * character is a key press of its own.
 */
export function handleInput(ctx: KeyContext, input: string, key: Key): void {
	const chars = Array.from(input);
	// No key is bound with Alt. An Alt+key is Esc then that key typed quickly, joined by tmux or
	// screen (escape-time): the Esc is honoured, and the key follows if Esc left the view as it was.
	// eslint-disable-next-line no-control-regex -- a control character is not a typed key
	if (key.meta && !key.ctrl && chars.length === 1 && !/[\u0000-\u001f\u007f-\u009f]/.test(input)) {
		const escape = {...noKey, escape: true};
		const binding = resolveKey(scopeOf(ctx.state.mode), '', escape, ctx.readOnly);
		handleKey(ctx, '', escape);
		if (binding?.command === 'clearMarks') handleKey(ctx, input, noKey);
		return;
	}

	if (chars.length <= 1 || key.ctrl || key.meta) {
		handleKey(ctx, input, key);
		return;
	}

	const mode = ctx.state.mode;
	if (mode.kind === 'filter' || mode.kind === 'export') {
		let text = mode.text;
		for (const char of chars) {
			const [typed, charKeyFlags] = charKey(char);
			if (charKeyFlags.delete || charKeyFlags.backspace) text = Array.from(text).slice(0, -1).join('');
			else if (charKeyFlags.return) {
				ctx.dispatch({type: 'edit', text});
				handleKey({...ctx, state: {...ctx.state, mode: {...mode, text}}}, '', charKeyFlags);
				return;
			} else text += typed.replace(controls, '');
		}

		ctx.dispatch({type: 'edit', text});
		return;
	}

	// The keys of one chunk are handled before React renders again, so each must see the state the
	// keys before it left: `jjK` kicks the row two below, not the one selected when the chunk came.
	// A key that opens a prompt (`/cam⏎` typed fast or pasted) hands it the rest of the chunk as
	// its text. After anything else that changes the mode the rest is meant for a view that is not
	// there yet, so it is dropped.
	let state = ctx.state;
	const tracking: KeyContext = {
		...ctx,
		dispatch(action) {
			state = reduceView(state, action);
			ctx.dispatch(action);
		},
	};
	for (let i = 0; i < chars.length; i++) {
		const [typed, flags] = charKey(chars[i]);
		const binding = resolveKey(scopeOf(mode), typed, flags, ctx.readOnly);
		handleKey({...tracking, state}, typed, flags);
		const prompt = state.mode.kind === 'filter' || state.mode.kind === 'export';
		if (prompt && state.mode.kind !== mode.kind && i + 1 < chars.length) {
			handleInput({...ctx, state}, chars.slice(i + 1).join(''), noKey);
			return;
		}

		if (!binding || !repeatable.has(binding.command)) break;
	}
}

// History steps read the moment from a ref, so each repeat moves on from the one before.
const repeatable = new Set<Command>(['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom', 'mark', 'historyBack', 'historyForward']);

/** Resolves a key press through the keymap and carries out its command. */
export function handleKey(ctx: KeyContext, input: string, key: Key): void {
	const {state, dispatch, rows} = ctx;
	const mode = state.mode;
	const scope = scopeOf(mode);
	const binding = resolveKey(scope, input, key, ctx.readOnly);
	if (ctx.tooSmall === 'screen' && binding?.command !== 'quit') return;
	if (ctx.tooSmall === 'dialog' && (binding?.command === 'confirm' || binding?.command === 'confirmDestructive')) return;
	if (!binding) {
		if (mode.kind === 'filter' || mode.kind === 'export') {
			const typed = input.replace(controls, '');
			if (typed !== '' && !key.ctrl && !key.meta) dispatch({type: 'edit', text: mode.text + typed});
		}

		return;
	}

	// The past cannot be acted on: an action would hit the live broker's sessions, not the ones shown.
	if (ctx.history?.moment !== undefined && binding.writes) {
		dispatch({
			type: 'status',
			status: {text: `${binding.footer ?? binding.label} is off in history: the table is not live (Esc goes live)`, tone: 'warning'},
		});
		return;
	}

	const scrolling = scope === 'detail' || scope === 'help' || scope === 'alerts';
	switch (binding.command) {
		case 'up':
		case 'down':
		case 'pageUp':
		case 'pageDown': {
			const step =
				binding.command === 'up' ? -1 : binding.command === 'down' ? 1 : binding.command === 'pageUp' ? -ctx.pageSize : ctx.pageSize;
			if (scrolling) dispatch({type: 'scroll', by: step, max: ctx.scrollMax});
			else dispatch({type: 'move', by: step, rows});
			break;
		}

		case 'top':
			if (scrolling) dispatch({type: 'scrollTo', line: 0});
			else dispatch({type: 'moveTo', index: 0, rows});
			break;
		case 'bottom':
			if (scrolling) dispatch({type: 'scrollTo', line: ctx.scrollMax});
			else dispatch({type: 'moveTo', index: rows.count - 1, rows});
			break;
		case 'open': {
			const index = cursorIndex(state, rows);
			const session = ctx.sessions.at(index);
			if (session) dispatch({type: 'openDetail', session, key: rows.keyAt(index)!});
			break;
		}

		case 'back':
			dispatch({type: 'back'});
			break;
		case 'filter':
			dispatch({type: 'openFilter'});
			break;
		case 'apply':
			if (mode.kind === 'filter') dispatch({type: 'applyFilter'});
			else if (mode.kind === 'export') startExport(ctx, mode.text);
			break;
		case 'cancel':
			if (mode.kind === 'filter') dispatch({type: 'clearFilter'});
			else if (mode.kind === 'confirm') cancelAction(ctx, mode.request);
			else dispatch({type: 'back'});
			break;
		case 'deleteChar':
			if (mode.kind === 'filter' || mode.kind === 'export') dispatch({type: 'edit', text: Array.from(mode.text).slice(0, -1).join('')});
			break;
		case 'sortPrevious':
			dispatch({type: 'sortBy', step: -1, columns: ctx.sortColumns});
			break;
		case 'sortNext':
			dispatch({type: 'sortBy', step: 1, columns: ctx.sortColumns});
			break;
		case 'reverse':
			dispatch({type: 'reverse'});
			break;
		case 'mark':
			dispatch({type: 'mark', rows});
			break;
		case 'clearMarks':
			dispatch({type: 'clearMarks'});
			if (state.marked.size === 0) ctx.history?.live();
			break;
		case 'history':
			if (ctx.history?.moment === undefined) ctx.history?.freeze();
			else ctx.history.live();
			break;
		case 'historyBack':
		case 'historyForward': {
			const by = binding.command === 'historyBack' ? -historyStepMs : historyStepMs;
			if (ctx.history?.moment === undefined) {
				// From live, [ starts a minute ago; ] has nowhere to go.
				if (by < 0) {
					ctx.history?.freeze();
					ctx.history?.step(by);
				}
			} else ctx.history.step(by);
			break;
		}
		case 'kick':
		case 'block':
		case 'unblock':
			ask(ctx, binding.command);
			break;
		case 'confirm':
		case 'confirmDestructive': {
			if (mode.kind !== 'confirm') break;
			const wanted = mode.stage === 'first' ? 'confirm' : 'confirmDestructive';
			if (binding.command !== wanted) {
				// The wrong key for this step (y where Y is needed, or the reverse) cancels.
				cancelAction(ctx, mode.request);
			} else if (mode.stage === 'first' && mode.request.destructive) {
				dispatch({type: 'askAgain'});
			} else {
				run(ctx, mode.request);
			}

			break;
		}

		case 'pause':
			dispatch({type: 'togglePause'});
			break;
		case 'toggleInactive':
			dispatch({type: 'toggleInactive'});
			break;
		case 'export':
			dispatch({type: 'openExport', path: ctx.defaultExportPath()});
			break;
		case 'copy':
			copySelected(ctx);
			break;
		case 'help':
			dispatch({type: 'toggleHelp'});
			break;
		case 'alerts':
			dispatch({type: 'toggleAlerts'});
			break;
		case 'watch':
			toggleWatch(ctx);
			break;
		case 'quit':
			ctx.quit();
			return;
	}

	if (scope !== 'prompt' || binding.command === 'apply' || binding.command === 'cancel') ctx.refresh();
}
