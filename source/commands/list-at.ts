// `list --at TIME`: the sessions as they were at TIME, rebuilt from the broker's log file alone
// (no connection to the broker: the past is in the file, not in the broker).
import {chooseLogFile} from '../broker/mosquitto/log-file/choose.js';
import type {Config} from '../config.js';
import {ExitCode, UserError} from '../errors.js';
import {journalPath, readJournal} from '../history/journal.js';
import {readLogTimeline} from '../history/read-log.js';
import {formatMoment, parseTime} from '../history/time-spec.js';
import {type Timeline, TimelineError} from '../history/timeline.js';
import {toCsv, toJson, toRecord} from '../model/export.js';
import type {Session} from '../model/types.js';
import {formatTable, selectSessions} from './list.js';

export type ListAtOptions = {
	at: string;
	format: 'table' | 'json' | 'csv';
	filter: string;
	now?: number;
	/** Where the operator reads warnings (stderr). */
	warn: (line: string) => void;
	/** For the journal's place ($XDG_STATE_HOME). */
	env?: NodeJS.ProcessEnv;
};

/** Milliseconds past now still taken as now: the operator's clock and the broker's may differ a little. */
const futureSlackMs = 2000;

/** Parses `--at` or fails with a usage error that says what it accepts. */
export function parseAt(text: string, now: number): number {
	const parsed = parseTime(text, now);
	if (!parsed.ok) throw new UserError(`--at: ${parsed.error}`, ExitCode.usage);
	return parsed.time;
}

/** Refuses a moment the timeline cannot show; returns the gaps it falls in. */
export function checkMoment(timeline: Timeline, time: number, now: number, where: string): void {
	if (time > now + futureSlackMs) {
		throw new UserError(`--at ${formatMoment(time)} is in the future (now is ${formatMoment(now)})`, ExitCode.notInHistory);
	}

	if (time < timeline.begins) {
		throw new UserError(
			`--at ${formatMoment(time)} is before the log: the log begins at ${formatMoment(timeline.begins)} (${where})`,
			ExitCode.notInHistory,
		);
	}
}

export function gapWarning(timeline: Timeline, time: number): string[] {
	return timeline
		.gapsAround(time)
		.map(
			(gap) =>
				`the log has a gap around ${formatMoment(time)}: from ${formatMoment(gap.from)} to ${formatMoment(gap.to)} (${gap.why}); the listing may be wrong there`,
		);
}

export async function runListAt(configs: readonly Config[], options: ListAtOptions): Promise<number> {
	const now = options.now ?? Date.now();
	const time = parseAt(options.at, now);
	selectSessions([], options.filter);
	const withLog = configs.map((config) => ({
		config,
		choice: chooseLogFile({host: config.host, port: config.port, logFile: config.logFile}),
	}));
	const sessions: Session[] = [];
	const urls = new Map<string, string>();
	let missing = 0;
	for (const {config, choice} of withLog) {
		urls.set(config.node, `${config.host}:${config.port}`);
		if (!choice) {
			// No log file: what a monitor recorded while it ran, if one did.
			const journal = journalPath(config.node, options.env);
			let recorded: Timeline | undefined;
			try {
				recorded = readJournal(journal, now);
			} catch (error) {
				options.warn(`cannot read ${journal}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
			}

			if (!recorded) {
				const why = `node ${config.node}: no log file (--log-file PATH, or log_file in a brokers file) and no history recorded by the monitor (${journal})`;
				if (configs.length === 1) throw new UserError(`list --at has nothing to read: ${why}`, ExitCode.notInHistory);
				options.warn(`${why}: its sessions at that time are not listed`);
				missing++;
				continue;
			}

			checkMoment(recorded, time, now, `recorded by the monitor in ${journal}`);
			for (const line of gapWarning(recorded, time)) options.warn(line);
			sessions.push(...recorded.at(time, config.node).rows());
			continue;
		}

		let timeline: Timeline;
		try {
			const read = await readLogTimeline(choice.path, {timestampFormat: config.logTimestampFormat});
			timeline = read.timeline;
			for (const warning of read.warnings) options.warn(warning);
		} catch (error) {
			if (error instanceof TimelineError) throw new UserError(`${choice.path}: ${error.message}`, ExitCode.notInHistory);
			const code = (error as NodeJS.ErrnoException).code;
			if (code) throw new UserError(`cannot read the log file ${choice.path}: ${code}`, ExitCode.usage);
			throw error;
		}

		checkMoment(timeline, time, now, timeline.files[0] ?? choice.path);
		for (const line of gapWarning(timeline, time)) options.warn(line);
		sessions.push(...timeline.at(time, config.node).rows());
	}

	const selected = selectSessions(sessions, options.filter);
	const records = () => selected.map((s) => toRecord(s, urls.get(s.node) ?? ''));
	if (options.format === 'json') process.stdout.write(toJson(records()) + '\n');
	else if (options.format === 'csv') process.stdout.write(toCsv(records()));
	else {
		const width = process.stdout.isTTY ? process.stdout.columns : 400;
		process.stdout.write(formatTable(selected, urls, width));
		const online = selected.filter((s) => s.status === 'online').length;
		process.stdout.write(`${selected.length} shown · online at ${formatMoment(time)}: ${online} (from the broker's log file)\n`);
	}

	return missing > 0 ? ExitCode.notInHistory : ExitCode.ok;
}
