import type {Machine} from './machine.js';
import type {Row} from './report-types.js';

export function formatValue(row: Row): string {
	if (row.value === null) return 'not measured';
	const {value, unit} = row;
	if (unit === 'lines/s') return `${Math.round(value).toLocaleString('en')} lines/s`;
	// A ratio: exactly 1 prints as 1, anything else with enough digits to see that it is not.
	if (unit === '') return value === 1 ? '1' : value.toFixed(6);
	if (unit === '×') return `${value.toFixed(2)}×`;
	if (unit === 'sessions') return `${value.toLocaleString('en')} sessions`;
	return `${value.toLocaleString('en', {minimumFractionDigits: value >= 100 ? 0 : 1, maximumFractionDigits: value >= 100 ? 0 : 1})} ${unit}`;
}

export function verdict(row: Row): string {
	if (row.value === null) return 'n/a';
	if (row.pass === null) return '-';
	return row.pass ? 'pass' : 'FAIL';
}

export function describe(machine: Machine): string {
	const files = machine.openFiles.hard === null ? '?' : String(machine.openFiles.hard);
	return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, open files (hard) ${files}, NODE_ENV ${machine.nodeEnv}, load ${machine.load.join(' ')}`;
}

function pad(text: string, width: number): string {
	// Wide glyphs are rare here (×, ▼, →): count code points, which is near enough for a log.
	const length = [...text].length;
	return length >= width ? text : text + ' '.repeat(width - length);
}

/** The table for people: figure, result, target, pass/fail, then the notes under it. */
export function textTable(rows: readonly Row[]): string {
	const header = ['#', 'figure', 'result', 'target', 'pass'];
	const cells = rows.map((r) => [r.id.split('.')[0], r.figure, formatValue(r), r.target, verdict(r)]);
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => [...c[i]].length)));
	const line = (c: string[]) =>
		c
			.map((text, i) => pad(text, widths[i]))
			.join('  ')
			.trimEnd();
	const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
	out.push('', summary(rows));
	const notes = rows.filter((r) => r.detail).map((r) => `  ${r.id}: ${r.detail}`);
	if (notes.length) out.push('', 'notes:', ...notes);
	return out.join('\n');
}

/** "12 of 16 targets met; 2 not measured": the line under the table. */
export function summary(rows: readonly Row[]): string {
	const judged = rows.filter((r) => r.goal !== undefined);
	const met = judged.filter((r) => r.pass === true).length;
	const unmeasured = judged.filter((r) => r.value === null).length;
	return `${met} of ${judged.length} targets met${unmeasured ? `; ${unmeasured} not measured` : ''}`;
}

/** One entry of `--json`'s results[]: every field present (null when there is nothing to say). */
export type JsonResult = {
	id: string;
	figure: string;
	value: number | null;
	unit: string;
	target: string;
	pass: boolean | null;
	runs: number[] | null;
	detail: string | null;
	goal: Row['goal'] | null;
};

export function jsonResult(row: Row): JsonResult {
	return {
		id: row.id,
		figure: row.figure,
		// JSON has no Infinity: a figure that never finished (e.g. a key with no frame) is null with a detail.
		value: row.value !== null && Number.isFinite(row.value) ? row.value : null,
		unit: row.unit,
		target: row.target,
		pass: row.pass,
		runs: row.runs ?? null,
		detail: row.detail ?? null,
		goal: row.goal ?? null,
	};
}

/** A table to paste into the README's Performance section. */
export function markdownTable(rows: readonly Row[], machine: Machine, command: string, date: Date): string {
	const escape = (text: string) => text.replace(/\|/g, '\\|');
	const lines = [
		'| Figure | Result | Target | Pass |',
		'| --- | ---: | --- | --- |',
		...rows.map((r) => `| ${escape(r.figure)} | ${escape(formatValue(r))} | ${escape(r.target)} | ${verdict(r)} |`),
		'',
		`${summary(rows)}.`,
		'',
		`Measured ${date.toISOString().slice(0, 10)} with \`${command}\` on ${describe(machine)}. Medians of repeated runs; details: \`npm run bench\` prints how each figure was measured.`,
	];
	return `${lines.join('\n')}\n`;
}
