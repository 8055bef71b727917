/** Which way a figure must go to meet its target ('=': exactly, e.g. a ratio where more is as wrong as less). */
export type Goal = {op: '>=' | '<=' | '='; limit: number};

/** One line of the results table. `value` is the median of `runs` (or of per-frame samples). */
export type Row = {
	/** Figure number and short key, e.g. "3.median@100k": sorts the table and names the JSON field. */
	id: string;
	figure: string;
	value: number | null;
	unit: string;
	target: string;
	goal?: Goal;
	pass: boolean | null;
	/** Per-run values the median was taken over, when the figure was run several times. */
	runs?: number[];
	/** How it was measured and what else was seen (sample sizes, spread, caveats). */
	detail?: string;
};

export function meets(value: number | null, goal: Goal | undefined): boolean | null {
	if (value === null || !Number.isFinite(value) || goal === undefined) return null;
	if (goal.op === '=') return value === goal.limit;
	return goal.op === '>=' ? value >= goal.limit : value <= goal.limit;
}

export function row(fields: Omit<Row, 'pass'>): Row {
	return {...fields, pass: meets(fields.value, fields.goal)};
}

/** A row for a figure that could not be measured: visible in the table, never a silent gap. */
export function notMeasured(id: string, figure: string, target: string, why: string): Row {
	return {id, figure, value: null, unit: '', target, pass: null, detail: `not measured: ${why}`};
}
