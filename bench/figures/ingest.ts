import {PerformanceObserver} from 'node:perf_hooks';
import {SessionStore} from '../../source/model/session-store.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {recordedLog} from '../support/log-generator.js';
import {ingestText, joinLines, splitAndMatch, splitOnly} from '../support/log-text.js';
import {row, type Row} from '../support/report-types.js';
import {median, round} from '../support/stats.js';

const target = 2_000_000;

/** Wall and CPU time of one call, after a collection so no earlier garbage is charged to it. */
function timed<T>(work: () => T): {ms: number; cpuMs: number; result: T} {
	collectGarbage();
	const started = performance.now();
	const cpu = process.cpuUsage();
	const result = work();
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return {ms, cpuMs: (used.user + used.system) / 1000, result};
}

const perSecond = (lines: number, ms: number) => (lines / ms) * 1000;
const count = (n: number) => Math.round(n).toLocaleString('en');

/**
 * Figure 1: log lines through parser and store, as the adapter applies them (minus the socket),
 * from one text of joined lines as they arrive, so cutting it into lines is counted once. Beside
 * it, in the same run and on the same text, two floors: only cutting the text into lines, and
 * cutting plus one anchored regular expression per line. The log fills a broker with 20,000
 * sessions and then runs steady-state traffic: connects, every kind of disconnect, subscribes,
 * unsubscribes, takeovers, auth failures, and lines no parser models (about 1.9 %: the
 * generator's "Saving in-memory database" and the like, counted as unknown on purpose).
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const total = options.quick ? 200_000 : 1_000_000;
	const sessions = 20_000;
	const text = joinLines(recordedLog(sessions, total));
	const runs = options.runs ?? (options.quick ? 2 : 5);
	const rates: number[] = [];
	// Lines per CPU-second too: on a shared machine it moves less than the wall-clock rate.
	const cpuRates: number[] = [];
	const splitRates: number[] = [];
	const matchRates: number[] = [];
	// Share of each run spent in GC pauses: the first thing to look at when the rate is low.
	const gcShares: number[] = [];
	let gcMs = 0;
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) gcMs += entry.duration;
	});
	observer.observe({entryTypes: ['gc']});
	let sessionsAtEnd = 0;
	let lines = 0;
	for (let run = 0; run < runs; run++) {
		// The floors first, in the same process and on the same text as the run they are compared with.
		const split = timed(() => splitOnly(text));
		const matched = timed(() => splitAndMatch(text));
		const store = new SessionStore();
		collectGarbage();
		// GC entries are delivered asynchronously: let the forced collections' entries arrive first.
		await new Promise((resolve) => setImmediate(resolve));
		gcMs = 0;
		const ingest = timed(() => ingestText(store, text));
		lines = ingest.result;
		await new Promise((resolve) => setImmediate(resolve));
		gcShares.push(gcMs / ingest.ms);
		rates.push(perSecond(lines, ingest.ms));
		cpuRates.push(perSecond(lines, ingest.cpuMs));
		splitRates.push(perSecond(lines, split.ms));
		matchRates.push(perSecond(lines, matched.ms));
		sessionsAtEnd = store.sessions.size;
		log(
			`ingest run ${run + 1}/${runs}: ${count(rates.at(-1)!)} lines/s (${count(cpuRates.at(-1)!)} per CPU-second); floors: split ${count(splitRates.at(-1)!)}, split + regex ${count(matchRates.at(-1)!)} lines/s (${count(lines)} lines, ${store.counters.unknownLines} unknown)`,
		);
	}

	observer.disconnect();
	const rate = median(rates);
	const splitRate = median(splitRates);
	const matchRate = median(matchRates);
	const share = (floor: number) => `${round((rate / floor) * 100, 1)} %`;
	const how = `${count(lines)} generated lines, one text of ${round(text.length / 2 ** 20, 1)} MB; median of ${runs} runs`;
	return [
		row({
			id: '1.ingest',
			figure: 'Ingest: log lines through parser + store',
			value: round(rate, 0),
			unit: 'lines/s',
			target: '>= 2,000,000 lines/s',
			goal: {op: '>=', limit: target},
			runs: rates.map((r) => round(r, 0)),
			detail: `${how} (fill to ${sessions.toLocaleString('en')} sessions, then steady traffic); ${sessionsAtEnd.toLocaleString('en')} sessions in the store at the end; ${count(median(cpuRates))} lines per CPU-second; ${Math.round(median(gcShares) * 100)} % of the time in GC pauses; ${share(splitRate)} of the split floor, ${share(matchRate)} of the split + regex floor`,
		}),
		row({
			id: '1b.ingest-floor-split',
			figure: 'Ingest floor: the same text cut into lines only',
			value: round(splitRate, 0),
			unit: 'lines/s',
			target: '(context)',
			runs: splitRates.map((r) => round(r, 0)),
			detail: `${how}; ingest runs at ${share(splitRate)} of it`,
		}),
		row({
			id: '1c.ingest-floor-regex',
			figure: 'Ingest floor: cut into lines + one anchored regex each',
			value: round(matchRate, 0),
			unit: 'lines/s',
			target: '(context)',
			runs: matchRates.map((r) => round(r, 0)),
			detail: `${how}; /^(\\S+) (\\d+): (.*)$/s with captures on every line; ingest runs at ${share(matchRate)} of it`,
		}),
	];
}
