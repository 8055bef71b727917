import {keyedComparator, sortKey, type SortKey, type SortOrder} from '../../model/sort.js';
import type {Session} from '../../model/types.js';

type Compare = (ka: SortKey, a: Session, kb: SortKey, b: Session) => number;

/** One changed session, with the key it was placed with (read before anything moves) and its key now. */
export type Change = {
	session: Session;
	/** Whether it is among the placed rows (of every listed session). */
	placed: boolean;
	from: SortKey;
	to: SortKey;
	/** Whether the store still lists it. */
	listed: boolean;
};

/**
 * Rows in one sort order, each beside the key it was placed with, so a tick re-places only the
 * sessions changed since, without reading the others: at 100,000 sessions a pass that reads
 * every listed session costs more than the frame (each is a cache miss in a large heap). A row
 * is found by binary search over the placed keys, not by its current values. Every update
 * returns new arrays; rows handed out are never written again.
 */
export class PlacedRows {
	constructor(
		private readonly compare: Compare,
		private rowList: Session[],
		private keyList: SortKey[],
	) {}

	get rows(): readonly Session[] {
		return this.rowList;
	}

	/** The rows `shown` keeps, in the same order, with their placed keys: no sort, one pass. */
	select(shown: (session: Session) => boolean): PlacedRows {
		const rows: Session[] = [];
		const keys: SortKey[] = [];
		const {rowList, keyList} = this;
		for (let i = 0; i < rowList.length; i++) {
			if (!shown(rowList[i])) continue;
			rows.push(rowList[i]);
			keys.push(keyList[i]);
		}

		return new PlacedRows(this.compare, rows, keys);
	}

	/** First index whose placed row sorts at or after (key, session). */
	private lowerBound(key: SortKey, session: Session): number {
		const {rowList, keyList, compare} = this;
		let lo = 0;
		let hi = rowList.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (compare(keyList[mid], rowList[mid], key, session) < 0) lo = mid + 1;
			else hi = mid;
		}

		return lo;
	}

	/**
	 * Re-places `changes` (one per session): each leaves its old place, and comes back where its
	 * new key sorts if `shown` says it is (still) a row. With `complete` (the rows of every listed
	 * session), a placed session must be found where its key says; otherwise it may simply not be
	 * a row here. Returns the new rows, or undefined when a session was not where its key says
	 * (its identity changed behind the view's back: the caller rebuilds).
	 */
	update(changes: readonly Change[], shown: (change: Change) => boolean, complete: boolean): readonly Session[] | undefined {
		const {rowList: rows, keyList: keys} = this;
		const removed: number[] = [];
		const added: Change[] = [];
		for (const change of changes) {
			if (change.placed) {
				const at = this.lowerBound(change.from, change.session);
				if (rows[at] === change.session) removed.push(at);
				else if (complete) return undefined;
			}

			if (shown(change)) added.push(change);
		}

		if (removed.length === 0 && added.length === 0) return rows;
		removed.sort((a, b) => a - b);
		added.sort((x, y) => this.compare(x.to, x.session, y.to, y.session));
		// Where each addition goes among the old rows (searched by the old keys, before any moves).
		const places = added.map((change) => this.lowerBound(change.to, change.session));
		const size = rows.length - removed.length + added.length;
		const outRows: Session[] = new Array(size);
		const outKeys: SortKey[] = new Array(size);
		let k = 0;
		let from = 0;
		let r = 0;
		const copyTo = (end: number) => {
			for (; from < end; from++) {
				if (r < removed.length && removed[r] === from) {
					r++;
					continue;
				}

				outRows[k] = rows[from];
				outKeys[k++] = keys[from];
			}
		};

		for (let i = 0; i < added.length; i++) {
			copyTo(places[i]);
			outRows[k] = added[i].session;
			outKeys[k++] = added[i].to;
		}

		copyTo(rows.length);
		this.rowList = outRows;
		this.keyList = outKeys;
		return outRows;
	}
}

/**
 * Every listed session in one sort order, and the key each was placed with: the base that each
 * filtered view is cut from. Applying a filter is then one pass over rows already sorted (no
 * sort of 100,000 sessions on Enter), and clearing it gives these rows back as they are.
 */
export class Placement {
	/** The key each placed session was placed with: how a changed one is found again. */
	private readonly keyOf = new Map<Session, SortKey>();
	readonly all: PlacedRows;
	readonly compare: Compare;

	/** `sorted` must be sorted by `order` (sortSessions). */
	constructor(
		private readonly order: SortOrder,
		sorted: Session[],
	) {
		this.compare = keyedComparator(order);
		const keys: SortKey[] = new Array(sorted.length);
		for (let i = 0; i < sorted.length; i++) {
			keys[i] = sortKey(sorted[i], order.column);
			this.keyOf.set(sorted[i], keys[i]);
		}

		this.all = new PlacedRows(this.compare, sorted, keys);
	}

	/** A view of the rows `shown` keeps, which `update` keeps up to date with the base. */
	select(shown: (session: Session) => boolean): PlacedRows {
		return this.all.select(shown);
	}

	/**
	 * Re-places the sessions in `log` (duplicates allowed) in the base and in each of `views`
	 * (`shown` says whether a listed session is a row of a view). Returns false when the base
	 * was inconsistent: the caller rebuilds everything.
	 */
	update(
		log: Iterable<Session>,
		listed: (session: Session) => boolean,
		views: ReadonlyArray<[PlacedRows, (session: Session) => boolean]>,
	): boolean {
		const changes: Change[] = [];
		const seen = new Set<Session>();
		for (const session of log) {
			if (seen.has(session)) continue;
			seen.add(session);
			const from = this.keyOf.get(session);
			changes.push({
				session,
				placed: from !== undefined || this.keyOf.has(session),
				from,
				to: sortKey(session, this.order.column),
				listed: listed(session),
			});
		}

		if (changes.length === 0) return true;
		if (this.all.update(changes, (change) => change.listed, true) === undefined) return false;
		for (const [view, shown] of views) view.update(changes, (change) => change.listed && shown(change.session), false);
		for (const change of changes) {
			if (change.listed) this.keyOf.set(change.session, change.to);
			else this.keyOf.delete(change.session);
		}

		return true;
	}
}
