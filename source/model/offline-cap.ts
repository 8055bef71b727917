import type {Session} from './types.js';

/**
 * How many `offline?` rows (MQTT 5 sessions whose client left and whose persistence the broker
 * never told us) stay listed. Most MQTT 5 clients set no session expiry (the broker drops their
 * session at once), so most such rows describe nothing the broker still holds, and nothing else
 * ever removes them: under churn they grew without end (about 90 MB/h in the soak). 5,000 rows is
 * more than anyone scrolls through in an incident, costs about 5 MB, and keeps every such session
 * of a small or medium fleet in view; the oldest-left go first, into the departed cache, so a
 * client that comes back keeps its counts and history.
 */
export const unknownOfflineLimit = 5_000;

/**
 * And how long one stays without news. A day covers the session expiry intervals seen in
 * practice (seconds to hours), so a row older than that is almost surely gone from the broker too.
 */
export const unknownOfflineMaxAgeMs = 24 * 60 * 60 * 1000;

/**
 * The listed `offline?` sessions in the order they went offline. Known-persistent sessions
 * (MQTT 3.1/3.1.1 with clean session off) are never added: they are real broker state until the
 * broker says they expired.
 */
export class OfflineCap {
	private readonly order = new Set<Session>();
	/** Walks `order` oldest first (see DepartedSessions.oldest for why a walk is kept). */
	private walk: Iterator<Session> | undefined;
	/** The oldest entry the walk has reached and not yet seen removed. */
	private front: Session | undefined;

	constructor(
		private readonly limit = unknownOfflineLimit,
		private readonly maxAgeMs = unknownOfflineMaxAgeMs,
	) {}

	get size(): number {
		return this.order.size;
	}

	add(session: Session): void {
		this.order.add(session);
	}

	delete(session: Session): void {
		if (!this.order.delete(session)) return;
		if (session === this.front) this.front = undefined;
	}

	/** The next session to let go (over the limit, or older than the age limit at `now`), if any. */
	due(now: number): Session | undefined {
		const oldest = this.oldest();
		if (oldest === undefined) return undefined;
		if (this.order.size > this.limit) return oldest;
		const left = oldest.lastDisconnectAt ?? oldest.firstSeen;
		return now - left > this.maxAgeMs ? oldest : undefined;
	}

	clear(): void {
		this.order.clear();
		this.walk = undefined;
		this.front = undefined;
	}

	private oldest(): Session | undefined {
		if (this.front !== undefined) return this.front;
		let next = this.walk?.next();
		if (!next || next.done) {
			this.walk = this.order.values();
			next = this.walk.next();
		}

		this.front = next.done ? undefined : next.value;
		return this.front;
	}
}
