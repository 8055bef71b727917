import {keyedComparator, sortKey, type SortKey, type SortOrder} from '../../model/sort.js';
import type {Session} from '../../model/types.js';

/**
 * Sorted rows that a tick updates by re-placing only the sessions changed since, without reading
 * the others: at 100,000 sessions a pass that reads every listed session costs more than the
 * frame (each is a cache miss in a large heap), so the rows are found by the key each was placed
 * with, kept here, not by their current values. Every update returns a new array; one handed out
 * is never written again.
 */
export class PlacedRows {
	/** The sort key each listed session had when it was placed. */
	private readonly placed = new Map<Session, SortKey>();
	private readonly compare: (ka: SortKey, a: Session, kb: SortKey, b: Session) => number;

	/** `rows` must be sorted by `order` (sortSessions); it is taken as the first version. */
	constructor(
		private readonly order: SortOrder,
		private current: Session[],
	) {
		this.compare = keyedComparator(order);
		for (const session of current) this.placed.set(session, sortKey(session, order.column));
	}

	get rows(): readonly Session[] {
		return this.current;
	}

	/** First index whose placed row sorts at or after (key, session). */
	private lowerBound(key: SortKey, session: Session): number {
		const rows = this.current;
		let lo = 0;
		let hi = rows.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			const row = rows[mid];
			if (this.compare(this.placed.get(row), row, key, session) < 0) lo = mid + 1;
			else hi = mid;
		}

		return lo;
	}

	/**
	 * Re-places `changed` (duplicates allowed): each leaves its old place, and comes back where
	 * its current values sort if `shown` says it is (still) a row. Returns the new rows, or
	 * undefined if a changed session was not where its placed key says (the caller then rebuilds).
	 */
	update(changed: Iterable<Session>, shown: (session: Session) => boolean): Session[] | undefined {
		const rows = this.current;
		const removed: number[] = [];
		const added: Array<{session: Session; key: SortKey}> = [];
		const seen = new Set<Session>();
		for (const session of changed) {
			if (seen.has(session)) continue;
			seen.add(session);
			if (this.placed.has(session)) {
				const at = this.lowerBound(this.placed.get(session), session);
				if (rows[at] !== session) return undefined;
				removed.push(at);
			}

			if (shown(session)) added.push({session, key: sortKey(session, this.order.column)});
		}

		if (removed.length === 0 && added.length === 0) return rows;
		removed.sort((a, b) => a - b);
		added.sort((x, y) => this.compare(x.key, x.session, y.key, y.session));
		// Where each addition goes among the old rows (searched by the old keys, before any moves).
		const places = added.map(({key, session}) => this.lowerBound(key, session));
		// Runs of untouched rows are copied whole (slice and concat copy memory, with no per-row work).
		const parts: Session[][] = [];
		let from = 0;
		let r = 0;
		const copyTo = (end: number) => {
			for (; r < removed.length && removed[r] < end; r++) {
				if (removed[r] > from) parts.push(rows.slice(from, removed[r]));
				from = removed[r] + 1;
			}

			if (end > from) parts.push(rows.slice(from, end));
			from = Math.max(from, end);
		};

		for (let i = 0; i < added.length; i++) {
			copyTo(places[i]);
			parts.push([added[i].session]);
		}

		copyTo(rows.length);
		let out: Session[] = [];
		// In chunks: a flood of changes must not pass more arguments than a call takes.
		for (let i = 0; i < parts.length; i += 1000) out = out.concat(...parts.slice(i, i + 1000));
		for (const at of removed) this.placed.delete(rows[at]);
		for (const {session, key} of added) this.placed.set(session, key);
		this.current = out;
		return out;
	}
}
