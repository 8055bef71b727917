import {describe, expect, it} from 'vitest';
import {SessionStore} from '../../source/model/session-store.js';
import {cellText, headingText, layoutColumns, sortableColumns} from '../../source/ui/columns.js';
import {displayWidth} from '../../source/ui/text.js';
import {storeWith, t0} from './support/fixtures.js';

const width = (layout: ReturnType<typeof layoutColumns>) =>
	layout.markWidth + layout.columns.reduce((sum, c) => sum + c.cells, 0) + layout.columns.length - 1;
const ids = (layout: ReturnType<typeof layoutColumns>) => layout.columns.map((c) => c.id);

describe('column layout', () => {
	it('uses exactly the terminal width and gives the spare to Client ID', () => {
		for (const w of [60, 80, 100, 120, 200]) expect(width(layoutColumns(w))).toBe(w);
		expect(layoutColumns(200).columns[0].cells).toBeGreaterThan(layoutColumns(120).columns[0].cells);
		expect(layoutColumns(200).columns.find((c) => c.id === 'username')!.cells).toBe(
			layoutColumns(120).columns.find((c) => c.id === 'username')!.cells,
		);
	});

	it('shows every column with full titles on a wide terminal', () => {
		const layout = layoutColumns(140);
		expect(ids(layout)).toEqual([
			'clientId',
			'username',
			'address',
			'protocol',
			'clean',
			'keepAlive',
			'connected',
			'subs',
			'status',
			'flaps',
		]);
		expect(headingText(layout, {column: 'clientId', descending: false})).toMatch(
			/Client ID▲\s+Username\s+Address\s+Proto\s+Clean\s+Keep-alive\s+Connected\s+Subs\s+Status\s+Flaps/,
		);
	});

	it('keeps 80 columns readable: narrow titles, the least useful columns dropped, Client ID ≥ 16', () => {
		const layout = layoutColumns(80);
		expect(layout.columns[0].cells).toBeGreaterThanOrEqual(16);
		expect(ids(layout)).toEqual(expect.arrayContaining(['clientId', 'username', 'address', 'status', 'connected', 'subs']));
		expect(ids(layout)).not.toContain('clean');
	});

	it('pads and cuts cells by display width', () => {
		const store = storeWith([{id: '温度センサー-台所-0001', user: 'alice'}]);
		const session = store.get('温度センサー-台所-0001')!;
		const layout = layoutColumns(80);
		const id = cellText(layout.columns[0], session, t0);
		expect(displayWidth(id)).toBe(layout.columns[0].cells);
		expect(id).toContain('…');
		const age = layout.columns.find((c) => c.id === 'connected')!;
		expect(cellText(age, session, t0 + 192_000).trim()).toBe('3m12s');
	});
});

describe('the Node column (several brokers)', () => {
	const nodes = ['edge-1', 'edge-2.example:1883'];

	it('appears first only when there is more than one node, sortable by node', () => {
		expect(ids(layoutColumns(120))).not.toContain('node');
		expect(ids(layoutColumns(120, {nodes: ['solo']}))).not.toContain('node');
		const layout = layoutColumns(120, {nodes});
		expect(ids(layout)[0]).toBe('node');
		expect(layout.columns[0].sort).toBe('node');
		expect(headingText(layout, {column: 'node', descending: false})).toMatch(/^ {3}Node▲/);
	});

	it('is as wide as the longest name needs, within limits, and never wider than the title needs when names are short', () => {
		expect(layoutColumns(160, {nodes: ['a', 'b']}).columns[0].cells).toBe(4);
		expect(layoutColumns(160, {nodes: ['edge-1', 'edge-22']}).columns[0].cells).toBe(7);
		expect(layoutColumns(160, {nodes}).columns[0].cells).toBe(16);
	});

	it('still fits the width exactly, keeps Client ID ≥ 16 at 80 and is never dropped', () => {
		for (const w of [60, 80, 100, 140]) {
			const layout = layoutColumns(w, {nodes});
			expect(width(layout)).toBe(w);
			expect(ids(layout)).toContain('node');
			expect(ids(layout)).toContain('status');
		}

		const at80 = layoutColumns(80, {nodes});
		expect(at80.columns.find((c) => c.id === 'clientId')!.cells).toBeGreaterThanOrEqual(16);
		expect(at80.columns[0].cells).toBe(10);
	});

	it('shows each row its node, cut in the middle so the port survives', () => {
		const store = storeWith([{id: 'gw', user: 'u'}]);
		const session = {...store.get('gw')!, node: 'edge-2.example:1883'};
		const layout = layoutColumns(80, {nodes});
		expect(cellText(layout.columns[0], session, t0)).toBe('edge…:1883');
	});
});

describe('the Queued column', () => {
	const store = new SessionStore({node: 'rabbit'});
	store.reconcile(
		[
			{clientId: 'deep', online: false, cleanSession: false, queued: 12_345},
			{clientId: 'empty', online: true, queued: 0},
			{clientId: 'unknown', online: true},
		],
		true,
		t0,
	);
	const row = (id: string) => store.get(id)!;

	it('is there only when a node counts queues, between Subs and Status, and in the sort cycle', () => {
		expect(ids(layoutColumns(140))).not.toContain('queued');
		const layout = layoutColumns(140, {queued: true});
		expect(ids(layout)).toEqual([
			'clientId',
			'username',
			'address',
			'protocol',
			'clean',
			'keepAlive',
			'connected',
			'subs',
			'queued',
			'status',
			'flaps',
		]);
		expect(width(layout)).toBe(140);
		expect(headingText(layout, {column: 'queued', descending: true})).toMatch(/Subs +▼Queued +Status/);
		expect(sortableColumns(layout)).toContain('queued');
		expect(sortableColumns(layoutColumns(140))).not.toContain('queued');
	});

	it('right-aligned compact counts; blank, never 0, where the broker gave none', () => {
		const column = layoutColumns(140, {queued: true}).columns.find((c) => c.id === 'queued')!;
		const cell = (id: string) => cellText(column, row(id), t0);
		for (const id of ['deep', 'empty', 'unknown']) expect(cell(id)).toHaveLength(column.cells);
		expect(cell('deep')).toBe(' '.repeat(column.cells - 5) + '12.3k');
		expect(cell('empty')).toBe(' '.repeat(column.cells - 1) + '0');
		expect(cell('unknown').trim()).toBe('');
	});

	it('still fits 80 and 60 columns, keeping Client ID readable', () => {
		for (const w of [80, 60]) {
			const layout = layoutColumns(w, {queued: true});
			expect(width(layout)).toBe(w);
			expect(layout.columns[0].cells).toBeGreaterThanOrEqual(16);
		}

		expect(ids(layoutColumns(80, {queued: true}))).toContain('queued');
	});
});
