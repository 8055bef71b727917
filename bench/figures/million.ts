import {Writable} from 'node:stream';
import {selectSessions} from '../../source/commands/list.js';
import {jsonPieces, toRecord} from '../../source/model/export.js';
import {SessionStore} from '../../source/model/session-store.js';
import {writePieces} from '../../source/util/write-pieces.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {sleep} from '../support/monitor-harness.js';
import {populate} from '../support/populate.js';
import {row, type Row} from '../support/report-types.js';
import {round} from '../support/stats.js';

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
/** Sessions per simulated broker while filling: the simulator's own bookkeeping stays small and is freed. */
const chunk = 50_000;

async function settle(): Promise<NodeJS.MemoryUsage> {
	// Twice, with a pause: finalizers and the second-pass weak callbacks need a turn of the loop.
	collectGarbage();
	await sleep(200);
	collectGarbage();
	return process.memoryUsage();
}

/** A reader as slow as a pipe: each write is taken on the next turn of the event loop. */
class PipeSink extends Writable {
	bytes = 0;
	constructor() {
		super({highWaterMark: 64 * 1024, decodeStrings: false});
	}

	override _write(chunk: string, _encoding: string, done: () => void): void {
		this.bytes += chunk.length;
		setImmediate(done);
	}
}

/**
 * Figure 9: a store of 1,000,000 sessions with 3 subscriptions each, filled through the parser
 * as a broker's log would fill it: its RSS and heap after GC. Then `list --json`'s way of writing
 * them (records made and written piece by piece, waiting for the reader) into a pipe-like sink,
 * with the highest RSS seen while writing, as a share of the store's own.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	if (!(globalThis as {gc?: unknown}).gc) throw new Error('run node with --expose-gc');
	const sessions = options.quick ? 100_000 : 1_000_000;
	const empty = await settle();
	const store = new SessionStore();
	const clock = () => Math.floor(Date.now() / 1000);
	const filling = performance.now();
	for (let done = 0, part = 0; done < sessions; done += chunk, part++) {
		populate(store, Math.min(chunk, sessions - done), {subscriptions: 3, clock, prefix: `p${part}-`, seed: part + 1});
	}

	const fillSeconds = (performance.now() - filling) / 1000;
	if (store.sessions.size !== sessions) throw new Error(`expected ${sessions} sessions, have ${store.sessions.size}`);
	const full = await settle();
	const storeRss = full.rss - empty.rss;
	log(
		`million: ${store.sessions.size.toLocaleString('en')} sessions in ${round(fillSeconds, 1)} s: rss ${mb(full.rss)} MB, heap ${mb(full.heapUsed)} MB (empty: rss ${mb(empty.rss)} MB, heap ${mb(empty.heapUsed)} MB)`,
	);

	// list --json: its own selection (filtered, sorted by client ID), then records made as they are written.
	const rows = selectSessions(store.rows(), '');
	function* records() {
		for (const session of rows) yield toRecord(session, 'mqtt://localhost:1883');
	}

	const sink = new PipeSink();
	let peak = process.memoryUsage().rss;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const writing = performance.now();
	const ok = await writePieces(sink, jsonPieces(records()));
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	const writeSeconds = (performance.now() - writing) / 1000;
	if (!ok) throw new Error('the sink refused the export');
	const growth = peak - full.rss;
	const ratio = growth / storeRss;
	log(
		`million: export ${mb(sink.bytes)} MB of JSON in ${round(writeSeconds, 1)} s; peak rss ${mb(peak)} MB (+${mb(growth)} MB over the store's ${mb(storeRss)} MB)`,
	);
	const size = sessions.toLocaleString('en');
	const how = `${size} sessions × 3 subscriptions filled through the parser (${round(fillSeconds, 1)} s), after GC; empty process: RSS ${mb(empty.rss)} MB, heap ${mb(empty.heapUsed)} MB`;
	return [
		row({
			id: '4c.memory-rss@1m',
			figure: `Memory: RSS @${size} sessions`,
			value: mb(full.rss),
			unit: 'MB',
			target: '<= 1,536 MB (1.5 GB)',
			goal: {op: '<=', limit: 1536},
			runs: [mb(full.rss)],
			detail: `${how}; ~${Math.round((full.heapUsed - empty.heapUsed) / sessions)} heap bytes per session`,
		}),
		row({
			id: '4e.memory-heap@1m',
			figure: `Memory: heap used @${size} sessions`,
			value: mb(full.heapUsed),
			unit: 'MB',
			target: '(context)',
			runs: [mb(full.heapUsed)],
			detail: how,
		}),
		row({
			id: '4d.list-json-peak',
			figure: `list --json @${size} sessions: peak RSS while writing / RSS before`,
			value: round(peak / full.rss, 2),
			unit: '×',
			target: '< 2× (streams: memory does not double)',
			goal: {op: '<=', limit: 1.99},
			runs: [round(peak / full.rss, 2)],
			detail: `${mb(sink.bytes)} MB of JSON written in ${round(writeSeconds, 1)} s into a pipe-like sink (one write taken per event-loop turn, 64 KB buffer), through list's own selection and writer; peak RSS ${mb(peak)} MB against ${mb(full.rss)} MB before: +${mb(growth)} MB, ${round(ratio, 2)}× the store's own ${mb(storeRss)} MB`,
		}),
	];
}
