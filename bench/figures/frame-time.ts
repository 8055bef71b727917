import {SessionStore} from '../../source/model/session-store.js';
import {startEventLoad} from '../support/event-load.js';
import {storeAdapter} from '../support/fake-adapter.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {MonitorHarness, sleep} from '../support/monitor-harness.js';
import {inkFloors} from '../support/ink-floor.js';
import {populate} from '../support/populate.js';
import {row, type Row} from '../support/report-types.js';
import {median, percentile, round} from '../support/stats.js';

/** A --refresh no other timer uses, so the harness can tell the App's refresh interval apart. */
export const benchRefreshSeconds = 0.237;

/** What an operator has on screen in an incident: one user group, online only, newest first. */
export const benchFilter = 'user:gw -status:offline';
/** Newest connections first: the sort an operator picks when a storm starts. */
export const benchSort = {title: 'Connected', descending: true};

export type FrameSample = {
	sessions: number;
	frames: number[];
	shown: string;
	/** Frames as Ink composed them (styled lines), for the Ink floor: a few distinct ones from the run. */
	screens: string[][];
};

/**
 * Renders the monitor over `sessions` sessions with the filter and sort active and 1,000 events/s
 * arriving, and collects tick → frame times until `frames` ticks were measured after warm-up.
 */
export async function frameTimes(sessions: number, frames: number, warmup = 5): Promise<FrameSample> {
	const store = new SessionStore();
	const clock = () => Math.floor(Date.now() / 1000);
	const simulator = populate(store, sessions, {subscriptions: 3, clock});
	collectGarbage();
	const harness = new MonitorHarness({adapter: storeAdapter(store), refreshSeconds: benchRefreshSeconds, filter: benchFilter});
	const load = startEventLoad(store, simulator, 1000);
	try {
		await harness.nextFrame(0, 120_000);
		const sort = await harness.sortBy(benchSort.title, benchSort.descending, 120_000);
		if (sort !== `${benchSort.title} ▼`) throw new Error(`could not sort by ${benchSort.title} descending (the header says '${sort}')`);
		if (!harness.ticking) throw new Error("the App's refresh timer was not found: has source/ui/hooks.ts stopped using setInterval?");
		const deadline = performance.now() + 300_000;
		while (harness.tickFrames.length < warmup && performance.now() < deadline) await sleep(50);
		harness.resetTicks();
		const screens: string[][] = [];
		let last: string | undefined;
		while (harness.tickFrames.length < frames && performance.now() < deadline) {
			await sleep(50);
			const composed = harness.composed();
			if (composed !== undefined && composed !== last && screens.length < 20) screens.push(composed.split('\n'));
			last = composed;
		}

		// The header's view line, to show in the log that the filter and sort really were active.
		const shown =
			harness
				.screen()
				.split('\n')
				.find((line) => line.includes('sort:'))
				?.trim() ?? '';
		return {sessions, frames: harness.tickFrames.slice(0, frames), shown, screens};
	} finally {
		load.stop();
		harness.unmount();
	}
}

/** The frame sizes with a target: the 100,000 sessions, and a million. */
const targets: Record<number, {median: number; p99?: number}> = {100_000: {median: 8, p99: 16}, 1_000_000: {median: 16}};

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

/**
 * Figure 3: the monitor's frame time through Ink at 80×40, from a refresh tick (with new data:
 * 1,000 events/s keep the store changing) to the frame written, at 1,000 / 10,000 / 100,000 /
 * 1,000,000 sessions; and Ink's floor: the same screens, already composed, drawn by Ink alone.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const sizes = options.quick ? [1000, 10_000] : [1000, 10_000, 100_000, 1_000_000];
	const frames = options.quick ? 15 : 40;
	const results: FrameSample[] = [];
	for (const sessions of sizes) {
		const sample = await frameTimes(sessions, frames);
		results.push(sample);
		log(
			`frames @${sessions}: median ${round(median(sample.frames), 2)} ms, p99 ${round(percentile(sample.frames, 99), 2)} ms (${sample.frames.length} frames) [${sample.shown}]`,
		);
		collectGarbage();
	}

	const rows: Row[] = [];
	for (const {sessions, frames: f} of results) {
		const target = targets[sessions];
		rows.push(
			row({
				id: `3.median@${label(sessions).toLowerCase()}`,
				figure: `Frame time @${sessions.toLocaleString('en')} sessions: median`,
				value: round(median(f), 2),
				unit: 'ms',
				target: target ? `<= ${target.median} ms` : '(context)',
				goal: target ? {op: '<=', limit: target.median} : undefined,
				detail: `${f.length} ticks, filter '${benchFilter}', sort connected ▼, 1,000 events/s, 80×40${sessions >= 1_000_000 ? ', 3 subscriptions each' : ''}`,
			}),
			row({
				id: `3.p99@${label(sessions).toLowerCase()}`,
				figure: `Frame time @${sessions.toLocaleString('en')} sessions: p99`,
				value: round(percentile(f, 99), 2),
				unit: 'ms',
				target: target?.p99 ? `<= ${target.p99} ms` : '(context)',
				goal: target?.p99 ? {op: '<=', limit: target.p99} : undefined,
			}),
		);
	}

	// The floor is drawn from the size (the largest below a million when quick).
	const floorSample = results.find((r) => r.sessions === 100_000) ?? results.at(-1)!;
	const floors = await inkFloors(floorSample.screens, frames, {columns: 80, rows: 40});
	const frame = median(floorSample.frames);
	const at = label(floorSample.sessions);
	const shapes = [
		['block', 'one Text block'],
		['lines', 'one Text per line'],
	] as const;
	for (const [shape, how] of shapes) {
		const floor = median(floors[shape]);
		log(`Ink floor, ${how}: median ${round(floor, 2)} ms (${floors[shape].length} frames of ${floorSample.screens.length} screens)`);
		rows.push(
			row({
				id: `3.floor-${shape}`,
				figure: `Ink floor @${at}: the same screens, composed, drawn as ${how}: median`,
				value: round(floor, 2),
				unit: 'ms',
				target: '(context)',
				detail: `${floors[shape].length} frames through render() into the same 80×40 stream, interleaved with the other shape; p99 ${round(percentile(floors[shape], 99), 2)} ms`,
			}),
			row({
				id: `3.ratio-${shape}`,
				figure: `Frame time @${at} / Ink floor (${how})`,
				value: round(frame / floor, 2),
				unit: '×',
				target: '(context)',
			}),
		);
	}

	const smallest = median(results[0].frames);
	const largest = median(results.at(-1)!.frames);
	rows.push(
		row({
			id: '3.scaling',
			figure: `Frame time: median @${label(sizes.at(-1)!)} / median @${label(sizes[0])}`,
			value: round(largest / smallest, 2),
			unit: '×',
			target: '<= 2×',
			goal: {op: '<=', limit: 2},
		}),
	);
	return rows;
}
