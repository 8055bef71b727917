import {describe, expect, it} from 'vitest';
import {cursorIndex, initialViewState, reduceView, type RowIndex, type ViewState} from '../../../source/ui/model/view-state.js';

const rowsOf = (...keys: string[]): RowIndex => ({count: keys.length, keyAt: (i) => keys[i], indexOf: (k) => keys.indexOf(k)});

describe('view state', () => {
	it('starts on the table with the --filter, or none when it is invalid', () => {
		expect(initialViewState(' user:alice ').filter).toBe('user:alice');
		expect(initialViewState('bogus:1').filter).toBe('');
		expect(initialViewState('').mode).toEqual({kind: 'table'});
	});

	it('moves by index but remembers the selection by key, clamped at the ends', () => {
		const rows = rowsOf('a', 'b', 'c');
		let state = reduceView(initialViewState(''), {type: 'sync', rows});
		expect(state.selectedKey).toBe('a');
		state = reduceView(state, {type: 'move', by: 1, rows});
		expect(state.selectedKey).toBe('b');
		state = reduceView(state, {type: 'move', by: 10, rows});
		expect(state.selectedKey).toBe('c');
		state = reduceView(state, {type: 'move', by: -10, rows});
		expect(state.selectedKey).toBe('a');
	});

	it('follows the selected key when rows move, and stays in place when it disappears', () => {
		let state: ViewState = reduceView(initialViewState(''), {type: 'moveTo', index: 1, rows: rowsOf('a', 'b', 'c')});
		expect(cursorIndex(state, rowsOf('new', 'a', 'b', 'c'))).toBe(2);
		state = reduceView(state, {type: 'sync', rows: rowsOf('a', 'c')});
		expect(state.selectedKey).toBe('c');
		expect(state.cursor).toBe(1);
	});

	it('marks and unmarks, moving down like htop', () => {
		const rows = rowsOf('a', 'b');
		let state = reduceView(initialViewState(''), {type: 'mark', rows});
		expect([...state.marked]).toEqual(['a']);
		expect(state.selectedKey).toBe('b');
		state = reduceView(reduceView(state, {type: 'move', by: -1, rows}), {type: 'mark', rows});
		expect([...state.marked]).toEqual([]);
		state = reduceView(reduceView(state, {type: 'mark', rows}), {type: 'clearMarks'});
		expect(state.marked.size).toBe(0);
	});

	it('applies only valid filters; Esc in the prompt clears the filter', () => {
		let state = reduceView(initialViewState('user:bob'), {type: 'openFilter'});
		expect(state.mode).toEqual({kind: 'filter', text: 'user:bob'});
		state = reduceView(state, {type: 'edit', text: 'nope:x'});
		state = reduceView(state, {type: 'applyFilter'});
		expect(state.mode.kind).toBe('filter');
		expect(state.filter).toBe('user:bob');
		state = reduceView(reduceView(state, {type: 'edit', text: 'user:alice'}), {type: 'applyFilter'});
		expect(state.filter).toBe('user:alice');
		expect(state.mode.kind).toBe('table');
		state = reduceView(reduceView(state, {type: 'openFilter'}), {type: 'clearFilter'});
		expect(state.filter).toBe('');
	});

	it('cycles the sort through the columns on screen, both ways, and reverses it', () => {
		const columns = ['clientId', 'username', 'status'] as const;
		let state = reduceView(initialViewState(''), {type: 'sortBy', step: -1, columns});
		expect(state.sort).toEqual({column: 'status', descending: false});
		state = reduceView(reduceView(state, {type: 'sortBy', step: 1, columns}), {type: 'sortBy', step: 1, columns});
		expect(state.sort.column).toBe('username');
		expect(reduceView(state, {type: 'reverse'}).sort).toEqual({column: 'username', descending: true});
		// A sort column that left the screen (a narrower terminal) restarts from the first one.
		state = reduceView(state, {type: 'sortBy', step: 1, columns: ['clientId', 'status']});
		expect(state.sort.column).toBe('clientId');
	});

	it('returns from help to where it was opened', () => {
		const session = {
			node: 'local',
			clientId: 'x',
			subscriptions: new Map(),
			status: 'online',
			connectCount: 1,
			takeoverCount: 0,
			history: [],
			firstSeen: 0,
			addedRevision: 0,
			changedRevision: 0,
		} as const;
		let state = reduceView(initialViewState(''), {
			type: 'openDetail',
			key: 'client:x',
			session: {...session, subscriptions: new Map(), history: []},
		});
		state = reduceView(state, {type: 'scroll', by: 3, max: 10});
		state = reduceView(state, {type: 'toggleHelp'});
		expect(state.mode.kind).toBe('help');
		state = reduceView(state, {type: 'back'});
		expect(state.mode).toMatchObject({kind: 'detail', key: 'client:x', scroll: 3});
	});
});
