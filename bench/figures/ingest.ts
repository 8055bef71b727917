import {PerformanceObserver} from 'node:perf_hooks';
import {SessionStore} from '../../source/model/session-store.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {recordedLog} from '../support/log-generator.js';
import {ingest} from '../support/populate.js';
import {row, type Row} from '../support/report-types.js';
import {median, round} from '../support/stats.js';

/**
 * Figure 1: log lines through parser and store, as the adapter applies them (minus the socket).
 * The log fills a broker with 20,000 sessions and then runs steady-state traffic: connects,
 * every kind of disconnect, subscribes, unsubscribes, takeovers, auth failures.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const total = options.quick ? 200_000 : 1_000_000;
	const sessions = 20_000;
	const lines = recordedLog(sessions, total);
	const runs = options.runs ?? (options.quick ? 2 : 5);
	const rates: number[] = [];
	// Lines per CPU-second too: on a shared machine it moves less than the wall-clock rate.
	const cpuRates: number[] = [];
	// Share of each run spent in GC pauses: the first thing to look at when the rate is low.
	const gcShares: number[] = [];
	let gcMs = 0;
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) gcMs += entry.duration;
	});
	observer.observe({entryTypes: ['gc']});
	let sessionsAtEnd = 0;
	for (let run = 0; run < runs; run++) {
		const store = new SessionStore();
		collectGarbage();
		// GC entries are delivered asynchronously: let the forced collections' entries arrive first.
		await new Promise((resolve) => setImmediate(resolve));
		gcMs = 0;
		const started = performance.now();
		const cpu = process.cpuUsage();
		ingest(store, lines);
		const ms = performance.now() - started;
		const used = process.cpuUsage(cpu);
		await new Promise((resolve) => setImmediate(resolve));
		gcShares.push(gcMs / ms);
		rates.push((lines.length / ms) * 1000);
		cpuRates.push((lines.length / ((used.user + used.system) / 1000)) * 1000);
		sessionsAtEnd = store.sessions.size;
		log(
			`ingest run ${run + 1}/${runs}: ${Math.round(rates.at(-1)!).toLocaleString('en')} lines/s (${lines.length.toLocaleString('en')} lines, ${store.counters.unknownLines} unknown)`,
		);
	}

	observer.disconnect();
	return [
		row({
			id: '1.ingest',
			figure: 'Ingest: log lines through parser + store',
			value: round(median(rates), 0),
			unit: 'lines/s',
			target: '>= 1,000,000 lines/s',
			goal: {op: '>=', limit: 1_000_000},
			runs: rates.map((r) => round(r, 0)),
			detail: `${lines.length.toLocaleString('en')} generated lines (fill to ${sessions.toLocaleString('en')} sessions, then steady traffic); ${sessionsAtEnd.toLocaleString('en')} sessions in the store at the end; median of ${runs} runs; ${Math.round(median(cpuRates)).toLocaleString('en')} lines per CPU-second; ${Math.round(median(gcShares) * 100)} % of the time in GC pauses`,
		}),
	];
}
