// Order statistics for repeated measurements. Medians, not means: on a shared 2-core machine one
// unlucky run (a test suite starting next door) must not move the figure.

export function sorted(values: readonly number[]): number[] {
	return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100): the value that p % of the samples are at or below. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const s = sorted(values);
	const rank = Math.ceil((p / 100) * s.length);
	return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const s = sorted(values);
	const mid = s.length >> 1;
	return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rounds for display and JSON: enough digits to compare runs, not enough to pretend precision. */
export function round(value: number, digits = 2): number {
	if (!Number.isFinite(value)) return value;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
