import {keyedComparator, sortKey, type SortKey, type SortOrder} from '../../model/sort.js';
import type {Session} from '../../model/types.js';
import {ChunkedRows, type Rows} from './rows.js';

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

/** Rows a chunk holds at most: a change copies one chunk (and the list of chunks), not every row. */
const chunkLimit = 512;

/**
 * Rows in one sort order, each beside the key it was placed with, so a tick re-places only the
 * sessions changed since, without reading the others: at 100,000 sessions a pass that reads
 * every listed session costs more than the frame (each is a cache miss in a large heap). A row
 * is found by binary search over the placed keys, not by its current values. The rows are kept
 * in chunks, and rows handed out (ChunkedRows) share them: an update copies only the chunks it
 * changes, so rows handed out are never written again and a tick costs the changes, not the rows.
 */
export class PlacedRows {
	private chunks: Session[][] = [];
	/** The keys, chunk by chunk beside the rows; never handed out, so changed in place. */
	private keyChunks: SortKey[][] = [];
	private size = 0;
	/** Chunks made or copied since rows were last handed out: only these may be written. */
	private owned = new Set<Session[]>();
	/** Whether the list of chunks itself is shared with rows handed out. */
	private listShared = false;
	private handedOut?: ChunkedRows;
	/** Bumped whenever the rows change, so a position found in rows handed out earlier is known to be stale. */
	private changes = 0;

	constructor(
		private readonly compare: Compare,
		rows: readonly Session[],
		keys: readonly SortKey[],
	) {
		for (let i = 0; i < rows.length; i += chunkLimit) {
			const chunk = rows.slice(i, i + chunkLimit);
			this.chunks.push(chunk);
			this.keyChunks.push(keys.slice(i, i + chunkLimit));
			this.owned.add(chunk);
		}

		this.size = rows.length;
	}

	get rows(): Rows {
		if (this.handedOut === undefined) {
			const starts: number[] = new Array(this.chunks.length);
			let start = 0;
			for (let c = 0; c < this.chunks.length; c++) {
				starts[c] = start;
				start += this.chunks[c].length;
			}

			this.handedOut = new ChunkedRows(this.chunks, starts, this.size);
			this.owned = new Set();
			this.listShared = true;
		}

		return this.handedOut;
	}

	get length(): number {
		return this.size;
	}

	/** Changes whenever the rows do. */
	get version(): number {
		return this.changes;
	}

	/** Where `session`, placed with `key`, is among the rows (binary search, no pass over them); -1 if it is not one. */
	find(session: Session, key: SortKey): number {
		const [c, i] = this.lowerBound(key, session);
		if (this.chunks[c]?.[i] !== session) return -1;
		let index = i;
		for (let k = 0; k < c; k++) index += this.chunks[k].length;
		return index;
	}

	/** The rows `shown` keeps, in the same order, with their placed keys: no sort, one pass. */
	select(shown: (session: Session) => boolean): PlacedRows {
		const into = {rows: [] as Session[], keys: [] as SortKey[]};
		this.selectInto(shown, into, 0, Number.POSITIVE_INFINITY);
		return new PlacedRows(this.compare, into.rows, into.keys);
	}

	/**
	 * Appends to `into` the rows `shown` keeps, from chunk `from` on, stopping after the chunk that
	 * reaches `budget` rows read. Returns the chunk to go on from, or -1 when every chunk was read.
	 */
	selectInto(shown: (session: Session) => boolean, into: {rows: Session[]; keys: SortKey[]}, from: number, budget: number): number {
		let read = 0;
		for (let c = from; c < this.chunks.length; c++) {
			if (read >= budget) return c;
			const chunk = this.chunks[c];
			const keyChunk = this.keyChunks[c];
			for (let i = 0; i < chunk.length; i++) {
				if (!shown(chunk[i])) continue;
				into.rows.push(chunk[i]);
				into.keys.push(keyChunk[i]);
			}

			read += chunk.length;
		}

		return -1;
	}

	/**
	 * Where (key, session) sorts: the first chunk whose last row sorts at or after it, and the first
	 * index there whose row does (past the last chunk's end when everything sorts before it).
	 */
	private lowerBound(key: SortKey, session: Session): [chunk: number, index: number] {
		const {chunks, keyChunks, compare} = this;
		if (chunks.length === 0) return [0, 0];
		let lo = 0;
		let hi = chunks.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			const last = chunks[mid].length - 1;
			if (compare(keyChunks[mid][last], chunks[mid][last], key, session) < 0) lo = mid + 1;
			else hi = mid;
		}

		const chunk = chunks[lo];
		const keyChunk = keyChunks[lo];
		let a = 0;
		let b = chunk.length;
		while (a < b) {
			const mid = (a + b) >>> 1;
			if (compare(keyChunk[mid], chunk[mid], key, session) < 0) a = mid + 1;
			else b = mid;
		}

		return [lo, a];
	}

	/** Chunk `c`, copied first if rows handed out share it. */
	private writable(c: number): Session[] {
		const chunk = this.chunks[c];
		if (this.owned.has(chunk)) return chunk;
		const copy = chunk.slice();
		this.chunks[c] = copy;
		this.owned.add(copy);
		return copy;
	}

	/**
	 * Re-places `changes` (one per session): each leaves its old place, and comes back where its
	 * new key sorts if `shown` says it is (still) a row. With `complete` (the rows of every listed
	 * session), a placed session must be found where its key says; otherwise it may simply not be
	 * a row here. Returns false when a session was not where its key says (its identity changed
	 * behind the view's back: the caller rebuilds), and then changes nothing.
	 */
	update(changes: readonly Change[], shown: (change: Change) => boolean, complete: boolean): boolean {
		const removed: Array<[chunk: number, index: number]> = [];
		const added: Change[] = [];
		for (const change of changes) {
			if (change.placed) {
				const at = this.lowerBound(change.from, change.session);
				if (this.chunks[at[0]]?.[at[1]] === change.session) removed.push(at);
				else if (complete) return false;
			}

			if (shown(change)) added.push(change);
		}

		if (removed.length === 0 && added.length === 0) return true;
		this.changes++;
		this.handedOut = undefined;
		if (this.listShared) {
			this.chunks = this.chunks.slice();
			this.listShared = false;
		}

		// Last first, so the places of the others stay where they were found.
		removed.sort((x, y) => y[0] - x[0] || y[1] - x[1]);
		for (const [c, i] of removed) {
			this.writable(c).splice(i, 1);
			this.keyChunks[c].splice(i, 1);
			if (this.chunks[c].length === 0) {
				this.chunks.splice(c, 1);
				this.keyChunks.splice(c, 1);
			}
		}

		for (const change of added) {
			let [c, i] = this.lowerBound(change.to, change.session);
			if (this.chunks.length === 0) {
				this.chunks.push([]);
				this.keyChunks.push([]);
				this.owned.add(this.chunks[0]);
				[c, i] = [0, 0];
			}

			const chunk = this.writable(c);
			chunk.splice(i, 0, change.session);
			this.keyChunks[c].splice(i, 0, change.to);
			if (chunk.length > 2 * chunkLimit) {
				const tail = chunk.splice(chunkLimit);
				this.chunks.splice(c + 1, 0, tail);
				this.keyChunks.splice(c + 1, 0, this.keyChunks[c].splice(chunkLimit));
				this.owned.add(tail);
			}
		}

		this.size += added.length - removed.length;
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
	/** Bumped whenever the base moves: a cut in progress (PendingCut) is then stale. */
	private version = 0;

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
	 * Starts cutting the rows `shown` keeps a slice at a time (see PendingCut). Begin right after
	 * an update with no views, as for select.
	 */
	beginCut(shown: (session: Session) => boolean): PendingCut {
		return new PendingCut(this, this.base, this.version, shown);
	}

	/**
	 * The key `session` was last placed with: in the rows kept up to date with the base, and in
	 * the base once it has caught up. Undefined when it is not listed.
	 */
	placedKey(session: Session): SortKey | undefined {
		return this.keyOf.get(session);
	}

	/** Whether the base is still as it was at `version`. */
	isAt(version: number): boolean {
		return version === this.version;
	}

	/** What changed since the base was last brought up to date, as changes to it. */
	changesBehind(): Change[] {
		const changes: Change[] = [];
		for (const [session, {placed, from}] of this.behind) {
			const listed = this.keyOf.has(session);
			changes.push({session, placed, from, to: this.keyOf.get(session), listed});
		}

		return changes;
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
		const changes = this.changesBehind();
		this.behind.clear();
		this.version++;
		return this.base.update(changes, (change) => change.listed, true);
	}
}

/**
 * Rows being cut from a placement's base a slice at a time, so that keys are read between
 * slices (the filter being typed is prepared this way while the operator types). The base must
 * not move meanwhile (step answers 'stale' then: start again); what changed in the sessions
 * meanwhile is kept aside by the placement and re-placed in the rows when they are taken.
 */
export class PendingCut {
	private next = 0;
	private readonly into = {rows: [] as Session[], keys: [] as SortKey[]};

	constructor(
		private readonly placement: Placement,
		private readonly base: PlacedRows,
		private readonly version: number,
		private readonly shown: (session: Session) => boolean,
	) {}

	/** Reads about `budget` more rows. */
	step(budget: number): 'more' | 'done' | 'stale' {
		if (!this.placement.isAt(this.version)) return 'stale';
		if (this.next >= 0) this.next = this.base.selectInto(this.shown, this.into, this.next, budget);
		return this.next < 0 ? 'done' : 'more';
	}

	/**
	 * This cut carried on for `shown`, which keeps none of the rows this one's leaves out (the
	 * filter being typed, a word made longer): the rows read so far are sifted, not read again.
	 */
	narrowed(shown: (session: Session) => boolean): PendingCut {
		const cut = new PendingCut(this.placement, this.base, this.version, shown);
		cut.next = this.next;
		const {rows, keys} = this.into;
		for (let i = 0; i < rows.length; i++) {
			if (!shown(rows[i])) continue;
			cut.into.rows.push(rows[i]);
			cut.into.keys.push(keys[i]);
		}

		return cut;
	}

	/** The rows cut, up to date; undefined if the changes kept aside did not fit them (start over). */
	take(): PlacedRows | undefined {
		const view = new PlacedRows(this.placement.compare, this.into.rows, this.into.keys);
		return view.update(this.placement.changesBehind(), (change) => change.listed && this.shown(change.session), false) ? view : undefined;
	}
}
