import {spawn, type ChildProcess} from 'node:child_process';
import {SessionStore} from '../../source/model/session-store.js';
import {startStormBroker, stormCapacity} from '../support/broker.js';
import {keys} from '../support/fake-terminal.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {MonitorHarness, sleep} from '../support/monitor-harness.js';
import {populate} from '../support/populate.js';
import {row, type Row} from '../support/report-types.js';
import {median, percentile, round} from '../support/stats.js';
import {runStorm, stormBatch, type StormResult} from '../support/storm.js';

export type Kind = 'typing' | 'apply' | 'move';

// An operator narrowing the list and moving through it, over and over: open the filter, type,
// apply (a re-filter and re-sort of every session), move, then clear the filter again.
const script: Array<[key: string, kind: Kind]> = [
	['/', 'typing'],
	['g', 'typing'],
	['w', 'typing'],
	[keys.enter, 'apply'],
	[keys.down, 'move'],
	[keys.down, 'move'],
	['j', 'move'],
	[keys.up, 'move'],
	[keys.pageDown, 'move'],
	['/', 'typing'],
	[keys.backspace, 'typing'],
	[keys.backspace, 'typing'],
	[keys.enter, 'apply'],
	[keys.down, 'move'],
	['k', 'move'],
];

/** A key every 100 ms: a fast typist, and enough samples in a storm of a few seconds. */
const keyGapMs = 100;

export type Sample = {kind: Kind; ms: number | undefined};

/**
 * Types the script into the monitor until the storm is over. Keys arrive on a fixed schedule
 * whether or not the monitor is busy; a key that arrives while a frame is being computed waits,
 * and that wait is part of its latency, as it would be at a real terminal. After a long stall the
 * schedule resumes one gap in the past rather than replaying every missed slot: one stall then
 * shows as one or two slow keys, not as a dozen.
 */
export async function typeDuringStorm(harness: MonitorHarness, over: () => boolean, samples: Sample[]): Promise<void> {
	let due = performance.now() + keyGapMs;
	for (let i = 0; !over(); i++) {
		const wait = due - performance.now();
		if (wait > 0) await sleep(wait);
		const [key, kind] = script[i % script.length];
		samples.push({kind, ms: await harness.press(key, due)});
		due = Math.max(due + keyGapMs, performance.now() - keyGapMs);
	}
}

type Round = {samples: Sample[]; storms: StormResult[]; tickFrames: number[]; clients: number; note?: string};

/**
 * Another process spinning on one core at normal priority for as long as it lives: the incident
 * case, where the broker's host is busy while the operator types.
 */
function spinCore(): ChildProcess {
	return spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'});
}

/**
 * Figure 5: key press to the next frame while the storm of figure 2 hits the broker, with the
 * real adapter feeding the real App, and the store preloaded so the monitor holds ~100,000
 * sessions (the aim) while it is typed at. Run twice: on the machine as it is, then
 * with another process keeping one core busy (5b).
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const preload = options.quick ? 10_000 : 95_000;
	const quiet = await measureRound(options, preload, false);
	const busy = await measureRound(options, preload, true);
	return [
		latencyRow(
			'5.input-p95',
			`Input latency p95: key → next frame, during the storm, ${(preload + quiet.clients).toLocaleString('en')} sessions`,
			quiet,
		),
		latencyRow(
			'5b.input-p95-busy',
			`Input latency p95 during the storm, ${(preload + busy.clients).toLocaleString('en')} sessions, another process keeping one core busy`,
			busy,
		),
	];
}

async function measureRound(options: FigureOptions, preload: number, busyCore: boolean): Promise<Round> {
	const wanted = options.quick ? 1000 : 5000;
	const {clients, note} = stormCapacity(wanted);
	const runs = options.runs ?? (options.quick ? 1 : 3);
	const samples: Sample[] = [];
	const storms: StormResult[] = [];
	const tickFrames: number[] = [];
	const broker = await startStormBroker();
	const spinner = busyCore ? spinCore() : undefined;
	try {
		for (let run = 0; run < runs; run++) {
			const store = new SessionStore();
			populate(store, preload, {subscriptions: 3, clock: () => Math.floor(Date.now() / 1000), prefix: 'pre-'});
			collectGarbage();
			const before = samples.length;
			const storm = await runStorm(broker, {
				clients,
				batch: stormBatch,
				deadlineMs: 60_000,
				store,
				async during(adapter, over) {
					const harness = new MonitorHarness({
						adapter: {node: adapter, store: adapter.store},
						refreshSeconds: 1,
						clientId: `bench-monitor-${process.pid}`,
					});
					try {
						await harness.nextFrame(0, 10_000);
						await typeDuringStorm(harness, over, samples);
						tickFrames.push(...harness.tickFrames);
					} finally {
						harness.unmount();
					}
				},
			});
			// A spinner that died early would make the "busy" row a quiet one in disguise.
			if (spinner && spinner.exitCode !== null)
				throw new Error(`the core-spinning process exited (${spinner.exitCode}) during the measurement`);
			storms.push(storm);
			const got = samples.slice(before).map((s) => s.ms ?? Number.POSITIVE_INFINITY);
			log(
				`input run ${run + 1}/${runs}${busyCore ? ' (one core busy)' : ''}: ${got.length} keys, p95 ${round(percentile(got, 95), 1)} ms, max ${round(Math.max(...got), 1)} ms; storm ${storm.connected} clients, ratio ${round(storm.applied / Math.max(1, storm.reference), 4)}, lag ${round(storm.lagLastMs, 1)} ms, ${storm.sessionsAtEnd} sessions`,
			);
		}
	} finally {
		spinner?.kill('SIGKILL');
		await broker.stop();
	}

	return {samples, storms, tickFrames, clients, note};
}

function latencyRow(id: string, figure: string, {samples, storms, tickFrames, note}: Round): Row {
	const all = samples.map((s) => s.ms ?? Number.POSITIVE_INFINITY);
	const lost = samples.filter((s) => s.ms === undefined).length;
	const byKind = (kind: Kind) => samples.filter((s) => s.kind === kind).map((s) => s.ms ?? Number.POSITIVE_INFINITY);
	const p95 = (values: number[]) => (values.length ? `${round(percentile(values, 95), 1)} ms` : 'n/a');
	const ratio = median(storms.map((s) => s.applied / Math.max(1, s.reference)));
	return row({
		id,
		figure,
		value: round(percentile(all, 95), 1),
		unit: 'ms',
		target: 'p95 <= 50 ms',
		goal: {op: '<=', limit: 50},
		detail: [
			`${all.length} keys over ${storms.length} storms (one every ${keyGapMs} ms, timed from when the key arrived); median ${round(median(all), 1)} ms, max ${round(Math.max(...all), 1)} ms`,
			`p95 typing ${p95(byKind('typing'))}, apply filter ${p95(byKind('apply'))}, move ${p95(byKind('move'))}`,
			tickFrames.length
				? `refresh ticks during the storm: median ${round(median(tickFrames), 1)} ms, max ${round(Math.max(...tickFrames), 1)} ms (${tickFrames.length} ticks)`
				: undefined,
			`engine with the UI attached: ratio ${round(ratio, 4)}, lag ${round(median(storms.map((s) => s.lagLastMs)), 1)} ms`,
			lost ? `${lost} keys produced no frame within 5 s` : undefined,
			note,
		]
			.filter(Boolean)
			.join('; '),
	});
}
