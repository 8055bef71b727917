import {describe, expect, test} from 'vitest';
import {row} from '../../../bench/support/report-types.js';
import {applyTargets, targets} from '../../../bench/support/targets.js';

describe('issue 15 targets', () => {
	test('the table holds the issue’s limits', () => {
		const limit = (id: string) => targets.find((t) => t.id === id)?.goal;
		expect(limit('1.ingest')).toEqual({op: '>=', limit: 2_000_000});
		expect(limit('3.median@100k')).toEqual({op: '<=', limit: 8});
		expect(limit('3.p99@100k')).toEqual({op: '<=', limit: 16});
		expect(limit('5.input-p95')).toEqual({op: '<=', limit: 50});
		expect(limit('5b.input-p95-busy')).toEqual({op: '<=', limit: 50});
		expect(limit('6.startup')).toEqual({op: '<=', limit: 300});
		expect(limit('3.median@1m')).toEqual({op: '<=', limit: 16});
		expect(limit('4c.memory-rss@1m')).toEqual({op: '<=', limit: 1536});
		expect(limit('8a.reconcile-first')).toEqual({op: '<=', limit: 500});
		expect(limit('9a.two-brokers-ratio')).toEqual({op: '=', limit: 1});
		expect(new Set(targets.map((t) => t.id)).size).toBe(targets.length);
	});

	test('a figure’s own (older) target is replaced by the issue’s and the row judged again', () => {
		const old = row({id: '6.startup', figure: 'Start-up', value: 362, unit: 'ms', target: '<= 500 ms', goal: {op: '<=', limit: 500}});
		expect(old.pass).toBe(true);
		const [judged] = applyTargets([old], (id) => id.startsWith('6'));
		expect(judged).toMatchObject({id: '6.startup', value: 362, target: '<= 300 ms', pass: false});
	});

	test('a target no row reports shows as not measured beside its figure; figures that did not run are left out', () => {
		const rows = [
			row({id: '5.input-p95', figure: 'Input', value: 40, unit: 'ms', target: 'p95 <= 100 ms', goal: {op: '<=', limit: 100}}),
			row({id: '7.replay', figure: 'Replay', value: 2e6, unit: 'lines/s', target: '(no target)'}),
		];
		const out = applyTargets(rows, (id) => id.startsWith('5') || id.startsWith('7'));
		expect(out.map((r) => r.id)).toEqual(['5.input-p95', '5b.input-p95-busy', '7.replay']);
		expect(out[0]).toMatchObject({pass: true, target: 'p95 <= 50 ms'});
		expect(out[1]).toMatchObject({value: null, pass: null, target: 'p95 <= 50 ms'});
		expect(out[1].detail).toMatch(/not measured/);
		expect(out[2]).toEqual(rows[1]);
	});
});
