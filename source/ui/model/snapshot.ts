import type {SessionStore} from '../../model/session-store.js';
import type {Query} from '../../model/query.js';
import {sortSessions, type SortOrder} from '../../model/sort.js';
import type {BrokerCounters, Session} from '../../model/types.js';
import {rowKey} from './row-key.js';

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
	connects: {perSecond: number; series: number[]};
	disconnects: {perSecond: number; series: number[]};
	authFailuresPerSecond: number;
};

export type Snapshot = {
	/** Filtered and sorted: the table's rows. Never mutated after the snapshot is taken. */
	rows: readonly Session[];
	stats: Stats;
	/** The time the rows describe (frozen while paused). */
	now: number;
	/** Rows whose addedRevision is above this appeared since the previous tick. */
	newAfter: number;
	paused: boolean;
	indexOf(key: string): number;
};

type Computed = {
	key: string;
	revision: number;
	/** performance.now() when computed: staleness is real elapsed time, whatever the injected clock. */
	takenAt: number;
	costMs: number;
	rows: Session[];
	/** Row key → index, shared by every snapshot taken from these rows. */
	indexOf: (key: string) => number;
	counts: Pick<Stats, 'knownOnline' | 'offline' | 'blockedRows' | 'total' | 'hiddenInactive' | 'traffic'>;
};

type Frozen = {rows: Session[]; stats: Stats; now: number; newAfter: number; version: number};

function cloneSession(session: Session): Session {
	return {...session, subscriptions: new Map(session.subscriptions), history: session.history.slice()};
}

function makeIndex(rows: readonly Session[]): (key: string) => number {
	let index: Map<string, number> | undefined;
	return (key) => {
		// Built on first use only: most snapshots are looked up once or not at all.
		if (!index) {
			index = new Map();
			for (let i = 0; i < rows.length; i++) index.set(rowKey(rows[i]), i);
		}

		return index.get(key) ?? -1;
	};
}

let frozenVersions = 0;

/**
 * Turns the live store into the table's filtered, sorted rows. The store lives outside React;
 * this is called once per tick (and after key presses), never per event, and reuses its last
 * result while nothing changed, because sorting 100,000 sessions costs ~150 ms.
 */
export class SnapshotSource {
	private baseline: number;
	private lastTickRevision: number;
	private computed?: Computed;
	private frozen?: Frozen;
	/** Bumped when rates are resampled: a sort by rate must then be redone even without new events. */
	private samples = 0;

	constructor(
		private readonly store: SessionStore,
		private readonly clock: () => number = Date.now,
		private readonly selfClientId?: string,
	) {
		this.baseline = store.revision;
		this.lastTickRevision = store.revision;
	}

	/** Marks a refresh tick: rows added from now on count as new until the tick after next. */
	tick(): void {
		this.baseline = this.lastTickRevision;
		this.lastTickRevision = this.store.revision;
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
		const byRate = params.sort.column === 'inPerSecond' || params.sort.column === 'outPerSecond';
		const source = frozen ? `frozen${frozen.version}` : byRate ? `live${this.samples}` : 'live';
		const key = `${source}|${params.query.text}|${params.sort.column}|${params.sort.descending}|${params.showInactive}`;
		let computed = this.computed;
		const fresh =
			computed !== undefined &&
			computed.key === key &&
			(computed.revision === revision || (maxStaleMs > 0 && performance.now() - computed.takenAt < Math.min(maxStaleMs, 5 * computed.costMs)));
		if (!fresh) {
			computed = this.compute(frozen ? frozen.rows : this.store.rows(), params, key, revision);
			this.computed = computed;
		}

		const rows = computed!.rows;
		const stats = frozen ? {...frozen.stats, ...computed!.counts} : {...this.liveStats(now), ...computed!.counts};
		return {
			rows,
			stats,
			now: frozen ? frozen.now : now,
			newAfter: frozen ? frozen.newAfter : this.baseline,
			paused: frozen !== undefined,
			indexOf: computed!.indexOf,
		};
	}

	private compute(all: Session[], params: ViewParams, key: string, revision: number): Computed {
		const started = performance.now();
		const counts = {knownOnline: 0, offline: 0, blockedRows: 0, total: all.length, hiddenInactive: 0, traffic: false};
		const rows: Session[] = [];
		for (const session of all) {
			if (session.messagesIn !== undefined) counts.traffic = true;
			if (session.status === 'online') counts.knownOnline++;
			else if (session.status === 'offline') counts.offline++;
			else counts.blockedRows++;
			if (!params.showInactive && session.status !== 'online') {
				counts.hiddenInactive++;
				continue;
			}

			if (params.query.match(session)) rows.push(session);
		}

		sortSessions(rows, params.sort);
		const finished = performance.now();
		return {key, revision, takenAt: finished, costMs: finished - started, rows, indexOf: makeIndex(rows), counts};
	}

	private liveStats(now: number): Omit<Stats, keyof Computed['counts']> {
		const store = this.store;
		let blockedAccounts = 0;
		for (const account of store.accounts.values()) if (account.disabled) blockedAccounts++;
		return {
			blockedAccounts,
			broker: {...store.broker},
			selfSeen: this.selfClientId !== undefined && store.get(this.selfClientId)?.status === 'online',
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
			newAfter: this.baseline,
			version: ++frozenVersions,
		};
	}
}
