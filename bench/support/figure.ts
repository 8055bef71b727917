import type {Row} from './report-types.js';

/** What run.ts tells every figure: `quick` shrinks sizes and repetitions for a smoke run. */
export type FigureOptions = {quick: boolean; runs?: number};

/** Progress goes to stderr: stdout belongs to the results (and to --json). */
export function log(message: string): void {
	process.stderr.write(`  ${message}\n`);
}

export type Measure = (options: FigureOptions) => Promise<Row[]>;

/** Releases garbage before a measurement so one run's leftovers are not charged to the next. */
export function collectGarbage(): void {
	const gc = (globalThis as {gc?: () => void}).gc;
	if (gc) {
		gc();
		gc();
	}
}
