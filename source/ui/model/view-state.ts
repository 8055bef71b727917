import type {ActionRequest} from './action-request.js';
import {parseQuery} from '../../model/query.js';
import type {SortColumn, SortOrder} from '../../model/sort.js';
import type {Session} from '../../model/types.js';
import type {Tone} from '../theme.js';

/** What the table's rows look like to the reducer: enough to move by index and remember by key. */
export type RowIndex = {count: number; keyAt(index: number): string | undefined; indexOf(key: string): number};

export type Mode =
	| {kind: 'table'}
	| {kind: 'detail'; key: string; session: Session; scroll: number}
	| {kind: 'help'; scroll: number; back: Exclude<Mode, {kind: 'help'}>}
	| {kind: 'alerts'; scroll: number; back: Exclude<Mode, {kind: 'help' | 'alerts'}>}
	| {kind: 'filter'; text: string}
	| {kind: 'export'; text: string}
	| {kind: 'confirm'; request: ActionRequest; stage: 'first' | 'destructive'; back: Exclude<Mode, {kind: 'help'}>};

export type Status = {text: string; tone: Tone};

export type ViewState = {
	mode: Mode;
	/** The selected row, by key: selection follows a client when rows move. */
	selectedKey?: string;
	/** Where the selection was; used when the selected row disappears. */
	cursor: number;
	marked: ReadonlySet<string>;
	sort: SortOrder;
	/** The applied filter (always valid). */
	filter: string;
	paused: boolean;
	showInactive: boolean;
	status?: Status;
	/** An action running on the broker. */
	busy?: string;
};

export type ViewAction =
	| {type: 'move'; by: number; rows: RowIndex}
	| {type: 'moveTo'; index: number; rows: RowIndex}
	| {type: 'sync'; rows: RowIndex}
	| {type: 'mark'; rows: RowIndex}
	| {type: 'clearMarks'}
	| {type: 'openDetail'; session: Session; key: string}
	| {type: 'scroll'; by: number; max: number}
	| {type: 'scrollTo'; line: number}
	| {type: 'back'}
	| {type: 'toggleHelp'}
	| {type: 'toggleAlerts'}
	| {type: 'openFilter'}
	| {type: 'openExport'; path: string}
	| {type: 'edit'; text: string}
	| {type: 'applyFilter'}
	| {type: 'clearFilter'}
	| {type: 'sortBy'; step: 1 | -1; columns: readonly SortColumn[]}
	| {type: 'reverse'}
	| {type: 'togglePause'}
	| {type: 'toggleInactive'}
	| {type: 'ask'; request: ActionRequest}
	| {type: 'askAgain'}
	| {type: 'status'; status: Status | undefined}
	| {type: 'busy'; text: string | undefined};

export function initialViewState(filter: string): ViewState {
	return {
		mode: {kind: 'table'},
		cursor: 0,
		marked: new Set(),
		sort: {column: 'clientId', descending: false},
		filter: parseQuery(filter).ok ? filter.trim() : '',
		paused: false,
		showInactive: true,
		status: undefined,
	};
}

export type DetailMode = Extract<Mode, {kind: 'detail'}>;

/** The detail view that is open, also beneath the help or a dialog opened from it. */
export function openDetail(mode: Mode): DetailMode | undefined {
	if (mode.kind === 'detail') return mode;
	if ((mode.kind === 'help' || mode.kind === 'confirm' || mode.kind === 'alerts') && mode.back.kind === 'detail') return mode.back;
	return undefined;
}

/** The index of the selected row in `rows`: by key when it is still there, else where it was. */
export function cursorIndex(state: ViewState, rows: RowIndex): number {
	if (rows.count === 0) return 0;
	const found = state.selectedKey === undefined ? -1 : rows.indexOf(state.selectedKey);
	return found >= 0 ? found : Math.min(Math.max(0, state.cursor), rows.count - 1);
}

function select(state: ViewState, index: number, rows: RowIndex): ViewState {
	const cursor = rows.count === 0 ? 0 : Math.min(Math.max(0, index), rows.count - 1);
	const selectedKey = rows.keyAt(cursor);
	if (cursor === state.cursor && selectedKey === state.selectedKey) return state;
	return {...state, cursor, selectedKey};
}

function leaveMode(mode: Mode): Mode {
	if (mode.kind === 'help' || mode.kind === 'confirm' || mode.kind === 'alerts') return mode.back;
	return {kind: 'table'};
}

/** The monitor's view state. Pure: every input it needs (rows, sizes) comes in the action. */
export function reduceView(state: ViewState, action: ViewAction): ViewState {
	switch (action.type) {
		case 'move':
			return select(state, cursorIndex(state, action.rows) + action.by, action.rows);
		case 'moveTo':
			return select(state, action.index, action.rows);
		case 'sync':
			return select(state, cursorIndex(state, action.rows), action.rows);
		case 'mark': {
			const key = action.rows.keyAt(cursorIndex(state, action.rows));
			if (key === undefined) return state;
			const marked = new Set(state.marked);
			if (marked.has(key)) marked.delete(key);
			else marked.add(key);
			return select({...state, marked}, cursorIndex(state, action.rows) + 1, action.rows);
		}

		case 'clearMarks':
			return state.marked.size === 0 ? state : {...state, marked: new Set()};
		case 'openDetail':
			return {...state, mode: {kind: 'detail', key: action.key, session: action.session, scroll: 0}};
		case 'scroll':
		case 'scrollTo': {
			const mode = state.mode;
			if (mode.kind !== 'detail' && mode.kind !== 'help' && mode.kind !== 'alerts') return state;
			const target = action.type === 'scroll' ? Math.min(mode.scroll + action.by, action.max) : action.line;
			return {...state, mode: {...mode, scroll: Math.max(0, target)}};
		}

		case 'back':
			return {...state, mode: leaveMode(state.mode)};
		case 'toggleHelp': {
			const mode = state.mode;
			if (mode.kind === 'help') return {...state, mode: mode.back};
			if (mode.kind !== 'table' && mode.kind !== 'detail') return state;
			return {...state, mode: {kind: 'help', scroll: 0, back: mode}};
		}

		case 'toggleAlerts': {
			const mode = state.mode;
			if (mode.kind === 'alerts') return {...state, mode: mode.back};
			if (mode.kind !== 'table' && mode.kind !== 'detail') return state;
			return {...state, mode: {kind: 'alerts', scroll: 0, back: mode}};
		}

		case 'openFilter':
			return {...state, mode: {kind: 'filter', text: state.filter}};
		case 'openExport':
			return {...state, mode: {kind: 'export', text: action.path}};
		case 'edit': {
			const mode = state.mode;
			if (mode.kind !== 'filter' && mode.kind !== 'export') return state;
			return {...state, mode: {...mode, text: action.text}};
		}

		case 'applyFilter': {
			const mode = state.mode;
			if (mode.kind !== 'filter') return state;
			// An invalid filter stays in the prompt, where its error is shown.
			if (!parseQuery(mode.text).ok) return state;
			return {...state, filter: mode.text.trim(), mode: {kind: 'table'}};
		}

		case 'clearFilter':
			return {...state, filter: '', mode: {kind: 'table'}};
		case 'sortBy': {
			// Only the columns on screen: sorting by an invisible one would look like no order at all.
			const {columns} = action;
			if (columns.length === 0) return state;
			const at = columns.indexOf(state.sort.column);
			const next = at < 0 ? (action.step > 0 ? 0 : columns.length - 1) : (at + action.step + columns.length) % columns.length;
			return {...state, sort: {column: columns[next], descending: false}};
		}

		case 'reverse':
			return {...state, sort: {...state.sort, descending: !state.sort.descending}};
		case 'togglePause':
			return {...state, paused: !state.paused};
		case 'toggleInactive':
			return {...state, showInactive: !state.showInactive};
		case 'ask': {
			const mode = state.mode;
			if (mode.kind !== 'table' && mode.kind !== 'detail') return state;
			return {...state, mode: {kind: 'confirm', request: action.request, stage: 'first', back: mode}};
		}

		case 'askAgain': {
			const mode = state.mode;
			if (mode.kind !== 'confirm') return state;
			return {...state, mode: {...mode, stage: 'destructive'}};
		}

		case 'status':
			return {...state, status: action.status};
		case 'busy':
			return {...state, busy: action.text};
	}
}
