import {meets, notMeasured, type Goal, type Row} from './report-types.js';

/** A target of the performance issue (issue 15): the row that must show it, and what it must meet. */
export type Target = {id: string; figure: string; target: string; goal: Goal};

/**
 * Every target of issue 15, in one place. A figure's row with one of these ids is judged by this
 * table (its own target text is replaced), so the table and the JSON cannot disagree with the
 * issue; a target no figure reported shows as "not measured" rather than vanishing from the table.
 */
export const targets: readonly Target[] = [
	{id: '1.ingest', figure: 'Ingest: log lines through parser + store', target: '>= 2,000,000 lines/s', goal: {op: '>=', limit: 2_000_000}},
	{
		id: '2a.storm-ratio',
		figure: 'Live storm: events applied / reference messages',
		target: '= 1.0 (nothing lost)',
		goal: {op: '=', limit: 1},
	},
	{
		id: '2b.storm-lag',
		figure: 'Live storm: lag, reference last message → store applied it',
		target: '<= 500 ms',
		goal: {op: '<=', limit: 500},
	},
	{id: '3.median@100k', figure: 'Frame time @100,000 sessions: median', target: '<= 8 ms', goal: {op: '<=', limit: 8}},
	{id: '3.p99@100k', figure: 'Frame time @100,000 sessions: p99', target: '<= 16 ms', goal: {op: '<=', limit: 16}},
	{id: '3.median@1m', figure: 'Frame time @1,000,000 sessions: median', target: '<= 16 ms', goal: {op: '<=', limit: 16}},
	{id: '4c.memory-rss@1m', figure: 'Memory: RSS @1,000,000 sessions', target: '<= 1,536 MB (1.5 GB)', goal: {op: '<=', limit: 1536}},
	{
		id: '4d.list-json-peak',
		figure: 'list --json @1,000,000 sessions: peak RSS while writing / RSS before',
		target: '< 2× (streams: memory does not double)',
		goal: {op: '<=', limit: 1.99},
	},
	{id: '5.input-p95', figure: 'Input latency p95: key → next frame, during the storm', target: 'p95 <= 50 ms', goal: {op: '<=', limit: 50}},
	{
		id: '5b.input-p95-busy',
		figure: 'Input latency p95 during the storm, another process keeping one core busy',
		target: 'p95 <= 50 ms',
		goal: {op: '<=', limit: 50},
	},
	{id: '6.startup', figure: 'Start-up: process start → first frame', target: '<= 300 ms', goal: {op: '<=', limit: 300}},
	{
		id: '8a.reconcile-first',
		figure: 'Snapshot reconcile: first 100,000-session listing',
		target: '<= 500 ms',
		goal: {op: '<=', limit: 500},
	},
	{
		id: '8b.reconcile-repeat',
		figure: 'Snapshot reconcile: the same 100,000-session listing again',
		target: '<= 500 ms',
		goal: {op: '<=', limit: 500},
	},
	{
		id: '9a.two-brokers-ratio',
		figure: 'Two brokers (storm on one, other idle): events applied / reference messages',
		target: '= 1.0 (nothing lost)',
		goal: {op: '=', limit: 1},
	},
	{
		id: '9b.two-brokers-lag',
		figure: 'Two brokers: lag, reference last message → store applied it',
		target: '<= 500 ms',
		goal: {op: '<=', limit: 500},
	},
	{
		id: '9d.two-brokers-input-p95',
		figure: 'Two brokers: input latency p95 during the storm',
		target: 'p95 <= 50 ms',
		goal: {op: '<=', limit: 50},
	},
];

/**
 * Judges `rows` by the targets and adds a "not measured" row for each target that no row
 * reports. `ran(id)` says whether the figure that should report it ran at all (a partial run with
 * --only leaves the others out rather than listing them as missing).
 */
export function applyTargets(rows: readonly Row[], ran: (id: string) => boolean, table: readonly Target[] = targets): Row[] {
	const out = rows.map((r) => {
		const t = table.find((candidate) => candidate.id === r.id);
		return t ? {...r, target: t.target, goal: t.goal, pass: meets(r.value, t.goal)} : r;
	});
	for (const t of table) {
		if (!ran(t.id) || out.some((r) => r.id === t.id)) continue;
		out.push({...notMeasured(t.id, t.figure, t.target, 'no figure of this bench reports it yet'), goal: t.goal});
	}

	// Figures run in a fixed order, but a missing target must land beside its figure, not at the end.
	return out.sort((a, b) => figureNumber(a.id) - figureNumber(b.id));
}

/** "5b.input-p95-busy" → 5: rows keep their order within a figure (the sort is stable). */
function figureNumber(id: string): number {
	const n = Number.parseInt(id, 10);
	return Number.isNaN(n) ? Number.POSITIVE_INFINITY : n;
}
