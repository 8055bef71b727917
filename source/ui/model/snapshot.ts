import {FleetView} from '../../fleet/fleet-view.js';
import type {ChangeLog, SessionView} from '../../fleet/session-view.js';
import {SessionStore} from '../../model/session-store.js';
import {narrows, type Query} from '../../model/query.js';
import {sessionComparator, sortSessions, type SortOrder} from '../../model/sort.js';
import type {BrokerCounters, Session} from '../../model/types.js';
import {Placement, type PendingCut, type PlacedRows} from './placed-rows.js';
import type {Rows} from './rows.js';
import {parseRowKey} from './row-key.js';

export type ViewParams = {query: Query; sort: SortOrder; showInactive: boolean; paused: boolean};

export type Stats = {
	/** Sessions the monitor knows to be online. */
	knownOnline: number;
	offline: number;
	blockedRows: number;
	blockedAccounts: number;
	/** Every row, before the filter. */
	total: number;
	/** Offline and blocked rows left out because the operator hid them. */
	hiddenInactive: number;
	/** Some session has traffic figures (the broker's file log has debug lines). */
	traffic: boolean;
	broker: BrokerCounters;
	/** Whether the monitor's own connection is among the known sessions (it usually is not: it subscribed after connecting). */
	selfSeen: boolean;
	/**
	 * The monitor's own connections the brokers count but the table does not list: one per node
	 * whose own session was not seen (what `broker.connected` holds beyond the sessions).
	 */
	selfUnseen?: number;
	connects: {perSecond: number; series: number[]};
	disconnects: {perSecond: number; series: number[]};
	authFailuresPerSecond: number;
};

export type Snapshot = {
	/** Filtered and sorted: the table's rows. Never mutated after the snapshot is taken. */
	rows: Rows;
	stats: Stats;
	/** The time the rows describe (frozen while paused). */
	now: number;
	/** Rows whose addedRevision is above this appeared since the previous tick (the first node's; see isNew). */
	newAfter: number;
	/** Whether a row appeared since the previous tick (each node counts its own revisions). */
	isNew(session: Session): boolean;
	paused: boolean;
	indexOf(key: string): number;
};

type Counts = Pick<Stats, 'knownOnline' | 'offline' | 'blockedRows' | 'total' | 'hiddenInactive' | 'traffic'>;

type Computed = {
	key: string;
	revision: number;
	/** store.resets when computed: after a broker restart every row is new. */
	resets: number;
	/** performance.now() when computed: staleness is real elapsed time, whatever the injected clock. */
	takenAt: number;
	costMs: number;
	/** The filtered, sorted sessions, without the account-only rows (those are rebuilt each time). */
	sessions: Rows;
	/**
	 * The live rows, cut from the placement's base, which the next tick updates with it (absent
	 * for a frozen or rate-sorted view, and when the rows are the base itself).
	 */
	view?: PlacedRows;
	/** Which sessions `view` keeps (its filter and visibility). */
	shown?: (session: Session) => boolean;
	/** What `view` was cut for. */
	params?: ViewParams;
	/** The placement the live rows come from. */
	placement?: Placement;
	rows: Rows;
	indexOf: (key: string) => number;
	counts: Counts;
};

/** Rows for a view being cut ahead of time (SnapshotSource.prepare). */
type Preparing = {key: string; params: ViewParams; cut: PendingCut; shown: (session: Session) => boolean; placement: Placement};

/** Rows cut ahead of time, kept up to date like the rows shown. */
type Prepared = {key: string; params: ViewParams; view: PlacedRows; shown: (session: Session) => boolean; placement: Placement};

type Frozen = {rows: Session[]; stats: Stats; now: number; baselines: Baselines; version: number};

/** Per node: the revision at the tick before last (rows added after it are new). */
type Baselines = ReadonlyMap<string, number>;

/** How the monitor's own client ID reads on each node (each node gets its own with several). */
export type SelfClientId = string | ((node: string) => string | undefined);

function newRowTest(baselines: Baselines, single: number | undefined): (session: Session) => boolean {
	if (single !== undefined) return (session) => session.addedRevision > single;
	return (session) => session.addedRevision > (baselines.get(session.node) ?? Infinity);
}

function cloneSession(session: Session): Session {
	return {...session, subscriptions: new Map(session.subscriptions), history: session.history.slice()};
}

/** Where a key was last found, across snapshots: the next snapshot's search starts there. */
type IndexHint = {key?: string; index: number};

/**
 * Where a session's row is, by binary search in the placed rows: its index, -1 when it is not
 * one of them, undefined when that cannot be told so (look row by row).
 */
type Locate = (node: string, clientId: string) => number | undefined;

/**
 * Finds a row by key without building a 100,000-entry map per snapshot: the last answer is
 * checked first, then `locate` is asked, then rows are compared outward from where the last key
 * found was (the selection follows a client, which moves only by the rows placed above it since,
 * or to a neighbour), so finding it costs the distance it moved, not its position.
 */
function makeIndex(rows: Rows, hint: IndexHint, locate?: Locate): (key: string) => number {
	let lastKey: string | undefined;
	let lastIndex = -1;
	return (key) => {
		if (key === lastKey) return lastIndex;
		lastKey = key;
		lastIndex = -1;
		const parsed = parseRowKey(key);
		if (parsed === undefined) return lastIndex;
		const {account, node, id} = parsed;
		const located = account ? undefined : locate?.(node, id);
		if (located !== undefined) {
			lastIndex = located;
			if (located >= 0) {
				hint.key = key;
				hint.index = located;
			}

			return lastIndex;
		}

		const matches = (row: Session) =>
			row.node === node &&
			(account ? row.accountOnly === true && (row.username ?? '') === id : row.accountOnly !== true && row.clientId === id);
		const start = Math.min(Math.max(0, hint.index), rows.length - 1);
		for (let down = start, up = start - 1; down < rows.length || up >= 0; down++, up--) {
			if (down < rows.length && matches(rows.at(down)!)) {
				lastIndex = down;
				break;
			}

			if (up >= 0 && matches(rows.at(up)!)) {
				lastIndex = up;
				break;
			}
		}

		if (lastIndex >= 0) {
			hint.key = key;
			hint.index = lastIndex;
		}

		return lastIndex;
	};
}

/**
 * Merges a few sorted rows (`b`) into many (`a`): each finds its place by binary search, and the
 * runs of `a` between places are copied without comparing, so a tick with m changes among n rows
 * costs m·log n comparisons and one copy, not n comparisons.
 */
function merge(a: readonly Session[], b: readonly Session[], compare: (x: Session, y: Session) => number): Session[] {
	if (b.length === 0) return a.slice();
	const out: Session[] = new Array(a.length + b.length);
	let from = 0;
	let k = 0;
	for (const row of b) {
		let lo = from;
		let hi = a.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (compare(a[mid], row) <= 0) lo = mid + 1;
			else hi = mid;
		}

		while (from < lo) out[k++] = a[from++];
		out[k++] = row;
	}

	while (from < a.length) out[k++] = a[from++];
	return out;
}

let frozenVersions = 0;

function isRateSort(params: ViewParams): boolean {
	return params.sort.column === 'inPerSecond' || params.sort.column === 'outPerSecond';
}

/** What identifies a computed view: where its rows come from (live, frozen, rates sampled), filter, sort and visibility. */
function viewKey(source: string, params: ViewParams): string {
	return `${source}|${params.query.text}|${params.sort.column}|${params.sort.descending}|${params.showInactive}`;
}

/** What a placement is kept in: the sort, and the broker restarts it has seen. */
function orderOf(params: ViewParams, resets: number): string {
	return `${params.sort.column}|${params.sort.descending}|${resets}`;
}

/** A view that shows every listed session: its rows are the placement's base itself. */
function everything(params: ViewParams): boolean {
	return params.showInactive && params.query.text === '';
}

/**
 * Turns the live store (one node's, or a FleetView of several) into the table's filtered, sorted
 * rows. The store lives outside React; this is called once per tick (and after key presses),
 * never per event, and reuses its last result while nothing changed, because sorting 100,000
 * sessions costs ~150 ms.
 */
export class SnapshotSource {
	private baselines: Baselines;
	private lastTickRevisions: Baselines;
	private computed?: Computed;
	private frozen?: Frozen;
	/** Every listed session placed in one sort order (`order`: sort and the store's resets), kept up to date per take. */
	private placement?: {order: string; placement: Placement};
	/**
	 * Rows cut ahead of time for the view the operator is about to ask for (the filter being typed,
	 * see prepare), kept up to date with the shown rows until asked for or replaced.
	 */
	private prepared?: Prepared;
	/** Prepared rows still being cut, a slice per turn of the event loop. */
	private preparing?: Preparing;
	/**
	 * The prepared rows these last replaced (the word before a letter was added or taken away),
	 * kept up to date the same way, so going back to them (a backspace, the filter typed again)
	 * needs no pass over every session. One set at most: at a million sessions a cut of a broad
	 * filter holds a million rows.
	 */
	private recent?: Prepared;
	private readonly indexHint: IndexHint = {index: 0};
	/** Bumped when rates are resampled: a sort by rate must then be redone even without new events. */
	private samples = 0;
	private readonly changes: ChangeLog;
	private readonly store: SessionView;
	/** One node: stamps compare with the revision itself (the cheap path of the single-broker monitor). */
	private readonly single: boolean;
	private readonly selfClientId: (node: string) => string | undefined;

	constructor(
		store: SessionStore | SessionView,
		private readonly clock: () => number = Date.now,
		selfClientId?: SelfClientId,
		/** Rows read per slice while preparing (see prepare): ~2 ms at 100,000 sessions. */
		private readonly sliceRows = 8192,
	) {
		this.store = store instanceof SessionStore ? new FleetView([store]) : store;
		this.single = this.store.nodes.length === 1;
		this.selfClientId = typeof selfClientId === 'function' ? selfClientId : () => selfClientId;
		this.baselines = this.nodeRevisions();
		this.lastTickRevisions = this.baselines;
		this.changes = this.store.trackChanges();
	}

	private nodeRevisions(): Baselines {
		return new Map(this.store.nodes.map((node) => [node, this.store.revisionOf(node)]));
	}

	/** Stops tracking the store's changes (when the view goes away). */
	close(): void {
		this.changes.close();
	}

	/** Marks a refresh tick: rows added from now on count as new until the tick after next. */
	tick(): void {
		this.baselines = this.lastTickRevisions;
		this.lastTickRevisions = this.nodeRevisions();
		// Per-client message rates are sampled here, once per tick, not on every traffic line.
		this.store.sampleRates(this.clock());
		this.samples++;
	}

	/**
	 * The rows for `params`. With `maxStaleMs`, a result computed from an older store revision
	 * is reused if younger than that (used for key presses, so holding ↓ on a huge, busy broker
	 * does not re-sort on every repeat); a change of filter, sort or visibility always recomputes.
	 */
	take(params: ViewParams, maxStaleMs = 0): Snapshot {
		const now = this.clock();
		if (params.paused) {
			this.frozen ??= this.freeze(now);
		} else {
			this.frozen = undefined;
		}

		const frozen = this.frozen;
		const revision = frozen ? -frozen.version : this.store.revision;
		const byRate = isRateSort(params);
		const source = frozen ? `frozen${frozen.version}` : byRate ? `live${this.samples}` : 'live';
		const key = viewKey(source, params);
		let computed = this.computed;
		const fresh =
			computed !== undefined &&
			computed.key === key &&
			(computed.revision === revision ||
				(maxStaleMs > 0 && performance.now() - computed.takenAt < Math.min(maxStaleMs, 5 * computed.costMs)));
		if (!fresh) {
			computed = frozen ? this.computeAll(frozen.rows, [], params, key, revision) : this.computeLive(params, key, revision, byRate);
			this.computed = computed;
		}

		const rows = computed!.rows;
		const stats = frozen ? {...frozen.stats, ...computed!.counts} : {...this.liveStats(now), ...computed!.counts};
		const baselines = frozen ? frozen.baselines : this.baselines;
		const newAfter = baselines.get(this.store.nodes[0]) ?? 0;
		return {
			rows,
			stats,
			now: frozen ? frozen.now : now,
			newAfter,
			isNew: newRowTest(baselines, this.single ? newAfter : undefined),
			paused: frozen !== undefined,
			indexOf: computed!.indexOf,
		};
	}

	/**
	 * The live rows. Every listed session is kept placed in the sort order (the placement's base),
	 * and each tick re-places only the sessions stamped since; the rows the view shows are cut from
	 * the base in one pass when the filter or visibility changes, and re-placed alongside it after.
	 * A broker restart, a change of sort, rate sorting (every rate moves each tick) or a flood of
	 * changes sort everything again.
	 */
	private computeLive(params: ViewParams, key: string, revision: number, byRate: boolean): Computed {
		const store = this.store;
		const previous = this.computed;
		const accounts = store.accountRows();
		const log = this.changes.take();
		if (byRate) {
			// The log is spent: a placement it did not update would be stale.
			this.placement = undefined;
			this.prepared = undefined;
			this.recent = undefined;
			return this.computeAll([...store.sessions.values()], accounts, params, key, revision);
		}

		const started = performance.now();
		const order = orderOf(params, store.resets);
		const visible = (session: Session) => this.visible(session, params);
		// The previous rows follow the base only while they are what is asked for again.
		const kept = previous?.key === key ? previous : undefined;
		// Rows being prepared for this view are finished first, so the changes re-place them too.
		const job = this.preparing;
		if (job?.key === key && this.placement?.placement === job.placement) this.finishPreparing(job, Number.POSITIVE_INFINITY);
		let placement = this.advance(order, log, kept);
		let view: PlacedRows | undefined;
		if (placement !== undefined) {
			if (kept?.placement === placement && kept.view !== undefined) {
				view = kept.view;
			} else if (this.prepared?.placement === placement && this.prepared.key === key) {
				view = this.prepared.view;
				this.prepared = undefined;
			} else if (this.recent?.placement === placement && this.recent.key === key) {
				view = this.recent.view;
				this.recent = undefined;
			} else if (!placement.update([], this.listed, [])) {
				// The base is brought up to date: the rows are the base itself, or cut from it.
				placement = undefined;
			} else if (!everything(params)) {
				view = placement.select(visible);
			}
		}

		if (placement === undefined) {
			this.prepared = undefined;
			this.recent = undefined;
			placement = new Placement(params.sort, sortSessions([...store.sessions.values()], params.sort));
			this.placement = {order, placement};
			view = everything(params) ? undefined : placement.select(visible);
		}

		const placed = view ?? placement.all;
		const rows = placed.rows;
		const computed = this.finish(
			rows,
			accounts,
			params,
			key,
			revision,
			started,
			this.storeCounts(accounts.length, params),
			this.locator(placed, placement),
		);
		computed.view = view;
		computed.shown = view === undefined ? undefined : visible;
		computed.params = params;
		computed.placement = placement;
		return computed;
	}

	/**
	 * Re-places what changed (`log`) in the placement of `order`, in the rows `kept` shows and in
	 * the prepared rows. Undefined when there is nothing to re-place them in (another sort, a
	 * broker restart, a flood of changes, an inconsistency): the caller sorts everything again.
	 */
	private advance(order: string, log: Iterable<Session> | undefined, kept: Computed | undefined): Placement | undefined {
		const placement = this.placement?.order === order && log !== undefined ? this.placement.placement : undefined;
		if (placement === undefined) {
			this.prepared = undefined;
			this.recent = undefined;
			this.preparing = undefined;
			return undefined;
		}

		const views: Array<[PlacedRows, (session: Session) => boolean]> = [];
		if (kept?.placement === placement && kept.view !== undefined) views.push([kept.view, kept.shown!]);
		if (this.prepared?.placement === placement) views.push([this.prepared.view, this.prepared.shown]);
		else this.prepared = undefined;
		if (this.recent?.placement === placement) views.push([this.recent.view, this.recent.shown]);
		else this.recent = undefined;
		if (placement.update(log!, this.listed, views)) return placement;
		this.placement = undefined;
		this.prepared = undefined;
		this.recent = undefined;
		this.preparing = undefined;
		return undefined;
	}

	/**
	 * Finds rows in `placed` while it stays as it is now, for sessions not changed since: a
	 * session listed or changed after may be another object than the one among the rows, or
	 * placed with another key. (`placed` is the base only once it has caught up, so a session
	 * unchanged since is where its last key says.)
	 */
	private locator(placed: PlacedRows, placement: Placement): Locate {
		const version = placed.version;
		const revisions = this.nodeRevisions();
		return (node, clientId) => {
			if (placed.version !== version) return undefined;
			const session = this.store.get(clientId, node);
			if (session === undefined || session.changedRevision > (revisions.get(node) ?? -1)) return undefined;
			const key = placement.placedKey(session);
			return key === undefined ? -1 : placed.find(session, key);
		};
	}

	private readonly listed = (session: Session) => this.store.get(session.clientId, session.node) === session;

	/**
	 * Cuts the rows for `params` ahead of time, while the monitor is idle: the filter being typed,
	 * so that applying it (Enter) shows rows already placed instead of making a pass over every
	 * session then. The rows shown are brought up to date on the way, and both are kept so until
	 * the prepared rows are asked for or others are prepared. The rows are cut a slice at a time
	 * (`sliceRows` per turn of the event loop), so keys typed meanwhile are read between slices;
	 * Enter finishes what is left. For a view of every row there is nothing to cut: the base,
	 * which those rows are, catches up instead. Does nothing for a paused or rate-sorted view
	 * (those are recomputed whole), nor for the view already shown. Undefined: drop what was
	 * prepared.
	 */
	prepare(params: ViewParams | undefined): void {
		if (params === undefined) {
			// Nothing is about to be asked for (the prompt closed): the rows prepared are kept only
			// as the recent ones, in case the filter is typed again.
			this.replacePrepared(undefined);
			this.preparing = undefined;
			return;
		}

		if (params.paused || this.frozen || isRateSort(params)) return;
		const key = viewKey('live', params);
		if (this.prepared?.key === key || this.preparing?.key === key || this.computed?.key === key) return;
		const order = orderOf(params, this.store.resets);
		if (this.placement?.order !== order || this.computed?.placement !== this.placement.placement) return;
		const recent = this.recent;
		if (recent?.key === key && recent.placement === this.placement.placement) {
			// As up to date as the prepared rows (the next take updates them), and swapped with them.
			this.recent = undefined;
			this.replacePrepared(recent);
			this.preparing = undefined;
			return;
		}

		const shown = (session: Session) => this.visible(session, params);
		if (this.narrow(key, params, shown)) return;
		// The change log is spent here: the shown rows must take their share of it now.
		const placement = this.advance(order, this.changes.take(), this.computed);
		this.replacePrepared(undefined);
		this.preparing = undefined;
		if (placement === undefined) return;
		if (everything(params)) {
			// The rows will be the base itself: it catches up now, so Enter has only what changes after.
			if (!placement.update([], this.listed, [])) this.placement = undefined;
			return;
		}

		const cut = this.beginCut(placement, shown);
		if (cut === undefined) return;
		const job = {key, params, cut, shown, placement};
		this.preparing = job;
		this.stepPreparing(job);
	}

	/**
	 * Prepares `params` from rows already cut for a filter it narrows (the word typed before this
	 * key): the cut under way carries on with the rows it read sifted, or rows already prepared or
	 * shown, if no more than a slice, are sifted at once. Nothing is read from the base again. The
	 * change log is not taken: the rows come from rows as up to date as those the next take
	 * updates. False when there is nothing to narrow.
	 */
	private narrow(key: string, params: ViewParams, shown: (session: Session) => boolean): boolean {
		const placement = this.placement?.placement;
		if (placement === undefined) return false;
		const narrower = (was: ViewParams | undefined) =>
			was !== undefined && was.showInactive === params.showInactive && narrows(was.query.text, params.query.text);
		const earlier = this.preparing;
		if (earlier !== undefined && earlier.placement === placement && narrower(earlier.params)) {
			const job = {key, params, cut: earlier.cut.narrowed(shown), shown, placement};
			this.preparing = job;
			this.replacePrepared(undefined);
			this.stepPreparing(job);
			return true;
		}

		const shownNow = this.computed;
		const sources = [this.prepared, shownNow?.view && {view: shownNow.view, params: shownNow.params, placement: shownNow.placement}];
		for (const source of sources) {
			if (!source || source.placement !== placement || source.view.length > this.sliceRows || !narrower(source.params)) continue;
			this.replacePrepared({key, params, view: source.view.select(shown), shown, placement});
			this.preparing = undefined;
			return true;
		}

		return false;
	}

	/** The prepared rows become `next`; those they replace are kept as the recent ones, if rows of the current placement. */
	private replacePrepared(next: Prepared | undefined): void {
		const replaced = this.prepared;
		if (replaced !== undefined && replaced !== next && replaced.placement === this.placement?.placement) this.recent = replaced;
		this.prepared = next;
	}

	/** Starts a cut of the base, brought up to date first (the rows kept follow it separately). */
	private beginCut(placement: Placement, shown: (session: Session) => boolean): PendingCut | undefined {
		if (placement.update([], this.listed, [])) return placement.beginCut(shown);
		this.placement = undefined;
		return undefined;
	}

	/** One slice of the rows being prepared; the next waits for a turn of the event loop, after any key. */
	private stepPreparing(job: Preparing): void {
		if (this.finishPreparing(job, this.sliceRows)) return;
		// Not unref'd: the loop would sleep until the next key or timer before the next slice.
		setImmediate(() => this.stepPreparing(job));
	}

	/**
	 * Cuts up to `budget` rows of `job`; true once it is over (the rows prepared, or given up).
	 * When the base moved under the cut, it starts again.
	 */
	private finishPreparing(job: Preparing, budget: number): boolean {
		// Replaced by another, or its placement given up: nothing more to do for it.
		if (this.preparing !== job) return true;
		const whole = budget === Number.POSITIVE_INFINITY;
		while (this.placement?.placement === job.placement) {
			const state = job.cut.step(budget);
			if (state === 'done') {
				const view = job.cut.take();
				if (view !== undefined) this.prepared = {key: job.key, params: job.params, view, shown: job.shown, placement: job.placement};
				break;
			}

			if (state === 'stale') {
				const cut = this.beginCut(job.placement, job.shown);
				if (cut === undefined) break;
				job.cut = cut;
			}

			if (!whole) return false;
		}

		this.preparing = undefined;
		return true;
	}

	private visible(session: Session, params: ViewParams): boolean {
		return (params.showInactive || session.status === 'online') && params.query.match(session);
	}

	/** Filters and sorts every row (counting them on the way, for the frozen copy's sake). */
	private computeAll(all: Session[], accounts: Session[], params: ViewParams, key: string, revision: number): Computed {
		const started = performance.now();
		const counts: Counts = {knownOnline: 0, offline: 0, blockedRows: 0, total: all.length, hiddenInactive: 0, traffic: false};
		const sessions: Session[] = [];
		for (const session of all) {
			if (session.messagesIn !== undefined) counts.traffic = true;
			if (session.status === 'online') counts.knownOnline++;
			else if (session.status === 'offline') counts.offline++;
			else counts.blockedRows++;
			if (!params.showInactive && session.status !== 'online') {
				counts.hiddenInactive++;
				continue;
			}

			if (params.query.match(session)) sessions.push(session);
		}

		counts.total += accounts.length;
		counts.blockedRows += accounts.length;
		if (!params.showInactive) counts.hiddenInactive += accounts.length;
		sortSessions(sessions, params.sort);
		return this.finish(sessions, accounts, params, key, revision, started, counts);
	}

	/** The counts, from what the store keeps up to date: no pass over the rows. */
	private storeCounts(accountRows: number, params: ViewParams): Counts {
		const {online, offline, blocked} = this.store.statusCounts;
		return {
			knownOnline: online,
			offline,
			blockedRows: blocked + accountRows,
			total: online + offline + blocked + accountRows,
			hiddenInactive: params.showInactive ? 0 : offline + blocked + accountRows,
			traffic: this.store.hasTraffic,
		};
	}

	private finish(
		sessions: Rows,
		accounts: Session[],
		params: ViewParams,
		key: string,
		revision: number,
		started: number,
		counts: Counts,
		locate?: Locate,
	): Computed {
		const shownAccounts = params.showInactive ? accounts.filter((row) => params.query.match(row)) : [];
		const rows =
			shownAccounts.length === 0
				? sessions
				: merge([...sessions], sortSessions(shownAccounts, params.sort), sessionComparator(params.sort));
		const finished = performance.now();
		return {
			key,
			revision,
			resets: this.store.resets,
			takenAt: finished,
			costMs: finished - started,
			sessions,
			rows,
			// Account rows merged in shift the placed rows' positions: then row by row.
			indexOf: makeIndex(rows, this.indexHint, rows === sessions ? locate : undefined),
			counts,
		};
	}

	private liveStats(now: number): Omit<Stats, keyof Computed['counts']> {
		const store = this.store;
		let blockedAccounts = 0;
		for (const account of store.accounts.values()) if (account.disabled) blockedAccounts++;
		let selfUnseen = 0;
		for (const node of store.nodes) {
			const self = this.selfClientId(node);
			if (self === undefined || store.get(self, node)?.status !== 'online') selfUnseen++;
		}

		return {
			blockedAccounts,
			broker: {...store.broker},
			selfSeen: selfUnseen === 0,
			selfUnseen,
			connects: {perSecond: store.connectRate.perSecond(now), series: store.connectRate.series(now)},
			disconnects: {perSecond: store.disconnectRate.perSecond(now), series: store.disconnectRate.series(now)},
			authFailuresPerSecond: store.authFailureRate.perSecond(now),
		};
	}

	/** A private copy of every row, so a paused screen really stands still while the store moves on. */
	private freeze(now: number): Frozen {
		return {
			rows: this.store.rows().map(cloneSession),
			stats: {...this.liveStats(now), knownOnline: 0, offline: 0, blockedRows: 0, total: 0, hiddenInactive: 0, traffic: false},
			now,
			baselines: this.baselines,
			version: ++frozenVersions,
		};
	}
}
