// What the monitor saw, kept in memory while it runs: the history of a broker that has no log
// file to read (MQTT $SYS/log only, or a REST broker's polled changes). Bounded: the oldest
// events go first, and the history then begins later.
import type {SessionStore} from '../model/session-store.js';
import type {SessionEvent} from '../model/types.js';
import type {JournalWriter} from './journal.js';
import {type Kept, type Listed, Timeline, type TimelineEvent} from './timeline.js';

/** About 200 bytes an event: some 40 MB at most. */
export const recorderLimit = 200_000;

export class Recorder {
	private events: TimelineEvent[] = [];
	/** When recording began, or when the oldest event kept was dropped: the history begins there. */
	private begins: number;
	private readonly stop: () => void;

	constructor(
		store: SessionStore,
		clock: () => number = Date.now,
		private readonly limit = recorderLimit,
		/** Also written to disk, so later runs and `list --at` can read it. */
		readonly journal?: JournalWriter,
	) {
		this.begins = clock();
		for (const listed of knownAt(store, this.begins)) {
			this.events.push(listed);
			this.journal?.record(listed);
		}

		this.stop = store.onEvent((event) => this.record(event));
	}

	record(event: SessionEvent): void {
		if (event.type === 'traffic' || event.type === 'unknown' || event.type === 'connection') return;
		// The store may change the object later (it keeps it in a history): a copy keeps what happened.
		const kept = {...event} as Kept;
		this.events.push(kept);
		this.journal?.record(kept);
		if (this.events.length > this.limit) {
			const dropped = this.events.splice(0, this.events.length - Math.floor(this.limit * 0.9));
			this.begins = dropped.at(-1)!.time;
		}
	}

	timeline(now: number): Timeline {
		const events = this.events.filter((event) => Number.isFinite(event.time));
		return new Timeline(events, this.begins, now, [], []);
	}

	close(now: number): void {
		this.stop();
		this.journal?.close(now);
	}
}

/** Sessions per `listed` line of the journal: one line per thousand keeps each line a modest size. */
const listedChunk = 1000;

/** The store's sessions as a listing at `time`, in chunks (none when it knows nothing yet). */
export function knownAt(store: SessionStore, time: number): Listed[] {
	const out: Listed[] = [];
	let chunk: Listed['sessions'][number][] = [];
	for (const session of store.sessions.values()) {
		if (session.accountOnly) continue;
		chunk.push({
			clientId: session.clientId,
			username: session.username,
			address: session.address,
			port: session.port,
			protocol: session.protocol,
			cleanSession: session.cleanSession,
			keepAlive: session.keepAlive,
			connectedAt: session.connectedAt,
			online: session.status === 'online',
			subscriptions: new Map(session.subscriptions),
		});
		if (chunk.length === listedChunk) {
			out.push({type: 'listed', time, sessions: chunk});
			chunk = [];
		}
	}

	if (chunk.length > 0) out.push({type: 'listed', time, sessions: chunk});
	return out;
}
