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

	/** Whether `rows` has been handed out since the last update: it must then not be written again. */
	private handedOut = false;

	get rows(): readonly Session[] {
		this.handedOut = true;
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
	 * a row here. Returns false when a session was not where its key says (its identity changed
	 * behind the view's back: the caller rebuilds), and then changes nothing.
	 */
	update(changes: readonly Change[], shown: (change: Change) => boolean, complete: boolean): boolean {
		const {rowList: rows, keyList: keys} = this;
		const removed: number[] = [];
		const added: Change[] = [];
		for (const change of changes) {
			if (change.placed) {
				const at = this.lowerBound(change.from, change.session);
				if (rows[at] === change.session) removed.push(at);
				else if (complete) return false;
			}

			if (shown(change)) added.push(change);
		}

		if (removed.length === 0 && added.length === 0) return true;
		removed.sort((a, b) => a - b);
		added.sort((x, y) => this.compare(x.to, x.session, y.to, y.session));
		// Where each addition goes among the old rows (searched by the old keys, before any moves).
		const places = added.map((change) => this.lowerBound(change.to, change.session));
		// Rows handed out stay as they were (copy on write); the keys never leave this object.
		if (this.handedOut) {
			this.rowList = rows.slice();
			this.handedOut = false;
		}

		applyInPlace(
			this.rowList,
			removed,
			places,
			added.map((change) => change.session),
		);
		applyInPlace(
			keys,
			removed,
			places,
			added.map((change) => change.to),
		);
		return true;
	}
}

/**
 * Every listed session in one sort order, and the key each was placed with: the base that each
 * filtered view is cut from. Applying a filter is then one pass over rows already sorted (no
 * sort of 100,000 sessions on Enter), and clearing it gives these rows back as they are.
 *
 * While a view is shown, the base is not moved each tick (at a million sessions that would cost
 * more than the view itself): the sessions changed since it was last brought up to date are
 * kept aside with the place each had in it, and applied when a view is cut from it again.
 */
export class Placement {
	/** The key each listed session was last placed with (in the views): how a changed one is found again. */
	private readonly keyOf = new Map<Session, SortKey>();
	/** Sessions changed since the base was brought up to date, and where each was in it then. */
	private readonly behind = new Map<Session, {placed: boolean; from: SortKey}>();
	private readonly base: PlacedRows;
	readonly compare: Compare;

	/** `sorted` must be sorted by `order` (sortSessions). */
	constructor(
		private readonly order: SortOrder,
		sorted: Session[],
	) {
		this.compare = keyedComparator(order);
		const keys: SortKey[] = [];
		for (const session of sorted) {
			const key = sortKey(session, order.column);
			keys.push(key);
			this.keyOf.set(session, key);
		}

		this.base = new PlacedRows(this.compare, sorted, keys);
	}

	/** Every listed session, in order: up to date after an update with no views. */
	get all(): PlacedRows {
		return this.base;
	}

	/** A view of the rows `shown` keeps, which `update` keeps up to date. Cut right after an update with no views. */
	select(shown: (session: Session) => boolean): PlacedRows {
		return this.base.select(shown);
	}

	/**
	 * Re-places the sessions in `log` (duplicates allowed) in each of `views` (`shown` says
	 * whether a listed session is a row of a view); with no views, brings the base up to date.
	 * Returns false when the base was inconsistent: the caller rebuilds everything.
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
			const placed = from !== undefined || this.keyOf.has(session);
			if (!this.behind.has(session)) this.behind.set(session, {placed, from});
			changes.push({session, placed, from, to: sortKey(session, this.order.column), listed: listed(session)});
		}

		for (const [view, shown] of views) view.update(changes, (change) => change.listed && shown(change.session), false);
		for (const change of changes) {
			if (change.listed) this.keyOf.set(change.session, change.to);
			else this.keyOf.delete(change.session);
		}

		return views.length > 0 || this.catchUp();
	}

	/** Applies to the base what changed since it was last up to date. */
	private catchUp(): boolean {
		if (this.behind.size === 0) return true;
		const changes: Change[] = [];
		for (const [session, {placed, from}] of this.behind) {
			const listed = this.keyOf.has(session);
			changes.push({session, placed, from, to: this.keyOf.get(session), listed});
		}

		this.behind.clear();
		return this.base.update(changes, (change) => change.listed, true);
	}
}

/**
 * Takes the entries at `removed` (ascending) out of `list` and puts `added[i]` before old index
 * `places[i]` (ascending), in place: each untouched entry moves at most once per pass, in a plain
 * loop (Array copyWithin is several times slower, and slice + concat or a new Array of a million
 * entries slower still: V8 makes a large new Array a dictionary).
 */
function applyInPlace<T>(list: T[], removed: readonly number[], places: readonly number[], added: readonly T[]): void {
	// Out first: close each gap, runs moving left.
	let write = removed.length === 0 ? list.length : removed[0];
	for (let r = 0; r < removed.length; r++) {
		const runStart = removed[r] + 1;
		const runEnd = r + 1 < removed.length ? removed[r + 1] : list.length;
		for (let from = runStart; from < runEnd; from++) list[write + from - runStart] = list[from];
		write += runEnd - runStart;
	}

	// The length changes once, by the difference: shrinking and then growing a large array makes
	// V8 copy it into a new backing store.
	const size = write + added.length;
	if (added.length === 0) {
		list.length = size;
		return;
	}

	for (let i = list.length; i < size; i++) list.push(added[0]);

	// Then in, from the end: each run moves right by the number of additions before it. A place
	// counted in old indices loses the removed entries before it.
	const shifted: number[] = new Array(added.length);
	let r = 0;
	for (let i = 0; i < added.length; i++) {
		while (r < removed.length && removed[r] < places[i]) r++;
		shifted[i] = places[i] - r;
	}

	let end = write;
	for (let i = added.length - 1; i >= 0; i--) {
		const at = shifted[i];
		for (let from = end - 1; from >= at; from--) list[from + i + 1] = list[from];
		list[at + i] = added[i];
		end = at;
	}

	list.length = size;
}
