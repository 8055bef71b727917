import {SessionStore} from '../../source/model/session-store.js';
import {storeAdapter} from '../support/fake-adapter.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {MonitorHarness, sleep} from '../support/monitor-harness.js';
import {populate} from '../support/populate.js';
import {row, type Row} from '../support/report-types.js';
import {round} from '../support/stats.js';
import {benchRefreshSeconds} from './frame-time.js';

const mb = (bytes: number) => bytes / 2 ** 20;

async function settle(): Promise<NodeJS.MemoryUsage> {
	// Twice, with a pause: finalizers and the second-pass weak callbacks need a turn of the loop.
	collectGarbage();
	await sleep(200);
	collectGarbage();
	return process.memoryUsage();
}

/**
 * Figure 4: what the monitor process holds with 100,000 sessions of 3 subscriptions each:
 * the store, and the App rendered with a snapshot of them, measured after GC. run.ts gives every
 * run a fresh process, so nothing of another figure (or run) is counted.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	if (!(globalThis as {gc?: unknown}).gc) throw new Error('run node with --expose-gc');
	const sessions = options.quick ? 20_000 : 100_000;
	const store = new SessionStore();
	const harness = new MonitorHarness({adapter: storeAdapter(store), refreshSeconds: benchRefreshSeconds});
	try {
		await harness.nextFrame(0, 10_000);
		const empty = await settle();
		populate(store, sessions, {subscriptions: 3, clock: () => Math.floor(Date.now() / 1000)});
		// Let a refresh tick take its snapshot of all sessions, as the monitor would hold it.
		const ticked = harness.tickFrames.length;
		const deadline = performance.now() + 30_000;
		while (harness.tickFrames.length <= ticked && performance.now() < deadline) await sleep(20);
		const full = await settle();
		const perSession = (full.heapUsed - empty.heapUsed) / store.sessions.size;
		log(
			`memory: ${store.sessions.size} sessions: rss ${round(mb(full.rss), 1)} MB, heap ${round(mb(full.heapUsed), 1)} MB (empty monitor: rss ${round(mb(empty.rss), 1)} MB, heap ${round(mb(empty.heapUsed), 1)} MB), ${Math.round(perSession)} B/session`,
		);
		const context = `${sessions.toLocaleString('en')} sessions × 3 subscriptions in the store, App rendered with a snapshot of them, after GC; empty monitor: RSS ${round(mb(empty.rss), 1)} MB, heap ${round(mb(empty.heapUsed), 1)} MB; ~${Math.round(perSession)} heap bytes per session`;
		return [
			row({
				id: '4a.memory-rss',
				figure: `Memory: RSS @${sessions.toLocaleString('en')} sessions`,
				value: round(mb(full.rss), 1),
				unit: 'MB',
				target: '<= 250 MB',
				goal: {op: '<=', limit: 250},
				runs: [round(mb(full.rss), 1)],
				detail: context,
			}),
			row({
				id: '4b.memory-heap',
				figure: `Memory: heap used @${sessions.toLocaleString('en')} sessions`,
				value: round(mb(full.heapUsed), 1),
				unit: 'MB',
				target: '(context)',
				runs: [round(mb(full.heapUsed), 1)],
			}),
		];
	} finally {
		harness.unmount();
	}
}
