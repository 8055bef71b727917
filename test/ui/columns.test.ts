import {describe, expect, it} from 'vitest';
import {cellText, headingText, layoutColumns} from '../../source/ui/columns.js';
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
