// Where one node's past comes from in the monitor: its log file (read again when a moment after
// the last reading is asked for), or what the monitor recorded itself.
import type {SessionStore} from '../model/session-store.js';
import {JournalWriter, readJournal} from './journal.js';
import {readLogTimeline} from './read-log.js';
import {Recorder} from './recorder.js';
import type {Timeline} from './timeline.js';

export type HistoryNode = {
	name: string;
	store: SessionStore;
	logPath?: string;
	timestampFormat?: string;
	/** mqtt-top's own client ID on this node: not one of the broker's sessions. */
	ownClientId?: string;
	/** Without a log file: the journal to record to and read from (see journal.ts); memory only when absent. */
	journal?: string;
};

export class HistorySource {
	private cached?: {timeline: Timeline; readAt: number};
	private readonly recorder?: Recorder;
	warnings: string[] = [];

	constructor(
		readonly node: HistoryNode,
		private readonly clock: () => number = Date.now,
	) {
		if (node.logPath !== undefined) return;
		let journal: JournalWriter | undefined;
		try {
			journal = node.journal === undefined ? undefined : new JournalWriter(node.journal, clock());
		} catch (error) {
			this.warnings.push(`cannot record history to ${node.journal}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
		}

		this.recorder = new Recorder(node.store, clock, undefined, journal);
	}

	/** The timeline, read again when `time` is later than the last reading saw. */
	async timeline(time: number): Promise<Timeline> {
		const now = this.clock();
		if (this.recorder) {
			const journal = this.recorder.journal;
			if (journal && !journal.error) {
				// The journal holds earlier runs too; what memory holds is only this one.
				journal.flush();
				const read = readJournal(journal.file, now);
				if (read && !journal.error) return read;
			}

			return this.recorder.timeline(now);
		}

		if (this.cached && time <= this.cached.readAt) return this.cached.timeline;
		const read = await readLogTimeline(this.node.logPath!, {
			timestampFormat: this.node.timestampFormat,
			ignoreClientId: this.node.ownClientId,
		});
		this.warnings = read.warnings;
		this.cached = {timeline: read.timeline, readAt: now};
		return read.timeline;
	}

	close(): void {
		this.recorder?.close(this.clock());
	}
}
