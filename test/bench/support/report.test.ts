import {describe, expect, test} from 'vitest';
import type {Machine} from '../../../bench/support/machine.js';
import {formatValue, jsonResult, markdownTable, summary, textTable, verdict} from '../../../bench/support/report.js';
import {notMeasured, row, type Row} from '../../../bench/support/report-types.js';

const machine: Machine = {
	cpu: 'Test CPU',
	cores: 2,
	memoryGiB: 4,
	node: 'v20.0.0',
	platform: 'linux 6',
	openFiles: {soft: 1024, hard: 20_000},
	nodeEnv: 'production',
	load: [0.1, 0.2, 0.3],
};

const rows: Row[] = [
	row({
		id: '1.ingest',
		figure: 'Ingest',
		value: 2_500_000,
		unit: 'lines/s',
		target: '>= 2,000,000 lines/s',
		goal: {op: '>=', limit: 2_000_000},
	}),
	row({
		id: '3.p99@100k',
		figure: 'Frame p99',
		value: 23.1,
		unit: 'ms',
		target: '<= 16 ms',
		goal: {op: '<=', limit: 16},
		runs: [22, 23.1, 30],
	}),
	row({id: '2a.storm-ratio', figure: 'Storm ratio', value: 0.99995, unit: '', target: '= 1.0', goal: {op: '=', limit: 1}}),
	row({id: '9c.two-brokers-frame', figure: 'Two brokers frame', value: 12, unit: 'ms', target: '(context)', detail: 'one broker: 11 ms'}),
	notMeasured('6.startup', 'Start-up', '<= 300 ms', 'tmux is not installed'),
];
rows[4].goal = {op: '<=', limit: 300};

describe('bench report', () => {
	test('every row carries its verdict: pass, FAIL, no target, or not measured', () => {
		expect(rows.map(verdict)).toEqual(['pass', 'FAIL', 'FAIL', '-', 'n/a']);
	});

	test('a ratio short of 1 is printed with enough digits to see it is not 1', () => {
		expect(formatValue(rows[2])).toBe('0.999950');
		expect(formatValue({...rows[2], value: 1})).toBe('1');
		expect(formatValue(rows[0])).toBe('2,500,000 lines/s');
	});

	test('the text table has a pass column, the notes and a count of targets met', () => {
		const text = textTable(rows);
		const lines = text.split('\n');
		expect(lines[0]).toMatch(/^#\s+figure\s+result\s+target\s+pass$/);
		expect(lines.find((l) => l.startsWith('3 '))).toMatch(/Frame p99\s+23\.1 ms\s+<= 16 ms\s+FAIL$/);
		expect(lines.find((l) => l.startsWith('6 '))).toMatch(/not measured\s+<= 300 ms\s+n\/a$/);
		expect(text).toContain(summary(rows));
		expect(summary(rows)).toBe('1 of 4 targets met; 1 not measured');
		expect(text).toContain('9c.two-brokers-frame: one broker: 11 ms');
	});

	test('the markdown table names its pass column and escapes pipes', () => {
		const markdown = markdownTable(
			[...rows, row({id: '7.x', figure: 'a | b', value: 1, unit: 'ms', target: '-'})],
			machine,
			'npm run bench',
			new Date('2026-12-02T00:00:00Z'),
		);
		const lines = markdown.split('\n');
		expect(lines[0]).toBe('| Figure | Result | Target | Pass |');
		expect(lines).toContain('| Frame p99 | 23.1 ms | <= 16 ms | FAIL |');
		expect(lines).toContain('| a \\| b | 1.0 ms | - | - |');
		expect(markdown).toContain('1 of 4 targets met; 1 not measured.');
		expect(markdown).toContain('Measured 2026-12-02 with `npm run bench` on Test CPU, 2 cores');
	});

	test('--json results have every field, null where there is nothing to say, and no Infinity', () => {
		expect(jsonResult(rows[1])).toEqual({
			id: '3.p99@100k',
			figure: 'Frame p99',
			value: 23.1,
			unit: 'ms',
			target: '<= 16 ms',
			pass: false,
			runs: [22, 23.1, 30],
			detail: null,
			goal: {op: '<=', limit: 16},
		});
		const lost = jsonResult(
			row({
				id: '5.input-p95',
				figure: 'Input',
				value: Number.POSITIVE_INFINITY,
				unit: 'ms',
				target: 'p95 <= 50 ms',
				goal: {op: '<=', limit: 50},
			}),
		);
		expect(lost.value).toBeNull();
		expect(JSON.parse(JSON.stringify(lost))).toEqual(lost);
		expect(Object.keys(jsonResult(rows[4])).sort()).toEqual(['detail', 'figure', 'goal', 'id', 'pass', 'runs', 'target', 'unit', 'value']);
	});
});
