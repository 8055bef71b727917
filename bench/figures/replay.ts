import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {SessionStore} from '../../source/model/session-store.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {fileLine, recordedLog} from '../support/log-generator.js';
import {notMeasured, row, type Row} from '../support/report-types.js';
import {median, round} from '../support/stats.js';

/** What the figure needs of the log-file module, declared here so the bench builds without it. */
type LogFileModule = {
	replayText(text: string, store: SessionStore): Promise<{lines: number}>;
	generateLog?: (options: {lines: number}) => string;
};

const moduleUrl = new URL('../../source/broker/mosquitto/log-file/index.js', import.meta.url);

/**
 * Figure 7: the broker's file log replayed into a store, through the log-file module's own replay
 * (chunked reads, file-line parser, store), on a generated 1,000,000-line log.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const id = '7.replay';
	const figure = 'Log replay: lines/s on a 1,000,000-line file log';
	const target = '(no target)';
	if (!existsSync(fileURLToPath(moduleUrl)))
		return [notMeasured(id, figure, target, 'log-file replay not available (source/broker/mosquitto/log-file/index.ts)')];
	const module = (await import(moduleUrl.href)) as Partial<LogFileModule>;
	if (typeof module.replayText !== 'function')
		return [notMeasured(id, figure, target, 'log-file module exports no replayText(text, store)')];

	const lines = options.quick ? 200_000 : 1_000_000;
	// The module's own generator writes the file log as `log_type all` does (debug lines included);
	// without it, the topic-stream mix in file form.
	const generator =
		typeof module.generateLog === 'function'
			? 'log-file generateLog (log_type all, debug lines included)'
			: 'bench generator (no debug lines)';
	const text = module.generateLog?.({lines}) ?? `${recordedLog(20_000, lines).map(fileLine).join('\n')}\n`;
	const runs = options.runs ?? (options.quick ? 2 : 5);
	const rates: number[] = [];
	let replayed = 0;
	for (let run = 0; run < runs; run++) {
		collectGarbage();
		const store = new SessionStore();
		const started = performance.now();
		const stats = await module.replayText(text, store);
		const ms = performance.now() - started;
		replayed = stats.lines;
		rates.push((stats.lines / ms) * 1000);
		log(
			`replay run ${run + 1}/${runs}: ${Math.round(rates.at(-1)!).toLocaleString('en')} lines/s (${stats.lines.toLocaleString('en')} lines, ${store.sessions.size} sessions)`,
		);
	}

	return [
		row({
			id,
			figure,
			value: round(median(rates), 0),
			unit: 'lines/s',
			target,
			runs: rates.map((r) => round(r, 0)),
			detail: `${replayed.toLocaleString('en')} lines (${round(text.length / 2 ** 20, 1)} MB) from the ${generator}, through replayText; median of ${runs} runs`,
		}),
	];
}
