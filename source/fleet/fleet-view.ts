import type {SessionStore} from '../model/session-store.js';
import type {Account, BrokerCounters, Session} from '../model/types.js';
import type {ChangeLog, RateReader, SessionView} from './session-view.js';

/** Sums several rate windows (the same window length each: the store's default). */
function summedRate(windows: readonly RateReader[]): RateReader {
	if (windows.length === 1) return windows[0];
	return {
		perSecond: (now) => windows.reduce((sum, w) => sum + w.perSecond(now), 0),
		series(now) {
			const out = windows[0].series(now);
			for (let i = 1; i < windows.length; i++) {
				const other = windows[i].series(now);
				for (let s = 0; s < out.length; s++) out[s] += other[s] ?? 0;
			}

			return out;
		},
	};
}

/** One change log over every node's: gives up when any of them did. */
function compositeLog(logs: ChangeLog[]): ChangeLog {
	return {
		take() {
			let all: Session[] | undefined = [];
			for (const log of logs) {
				const changed = log.take();
				// Every log is still taken, so none keeps growing after one overflowed.
				if (changed === undefined) all = undefined;
				else if (all !== undefined) for (const session of changed) all.push(session);
			}

			return all;
		},
		close() {
			for (const log of logs) log.close();
		},
	};
}

const counted = ['connected', 'total', 'disconnected', 'maximum', 'expired'] as const;

/**
 * Several nodes' stores read as one: sessions are keyed by node and client ID (the same ID on two
 * brokers is two rows), counts are summed, and the revision is the sum of the nodes' (it moves
 * whenever one of them does). Each store stays a single-broker store, written by its own driver;
 * this only reads. With one node every read goes straight to its store, at the same cost.
 */
export class FleetView implements SessionView {
	readonly nodes: readonly string[];
	readonly connectRate: RateReader;
	readonly disconnectRate: RateReader;
	readonly authFailureRate: RateReader;
	readonly sessions: {values(): Iterable<Session>; readonly size: number};
	readonly accounts: {values(): Iterable<Account>};
	private readonly byNode: ReadonlyMap<string, SessionStore>;

	constructor(readonly stores: readonly SessionStore[]) {
		if (stores.length === 0) throw new Error('FleetView needs at least one store');
		this.nodes = stores.map((store) => store.node);
		this.byNode = new Map(stores.map((store) => [store.node, store]));
		if (this.byNode.size !== stores.length) throw new Error(`FleetView: two stores share a node name (${this.nodes.join(', ')})`);
		this.connectRate = summedRate(stores.map((s) => s.connectRate));
		this.disconnectRate = summedRate(stores.map((s) => s.disconnectRate));
		this.authFailureRate = summedRate(stores.map((s) => s.authFailureRate));
		if (stores.length === 1) {
			this.sessions = stores[0].sessions;
			this.accounts = stores[0].accounts;
		} else {
			this.sessions = {
				*values() {
					for (const store of stores) yield* store.sessions.values();
				},
				get size() {
					return stores.reduce((sum, store) => sum + store.sessions.size, 0);
				},
			};
			this.accounts = {
				*values() {
					for (const store of stores) yield* store.accounts.values();
				},
			};
		}
	}

	/** The store of one node (for what is per broker: its accounts, its actions, its detail view). */
	store(node: string): SessionStore | undefined {
		return this.byNode.get(node);
	}

	get revision(): number {
		if (this.stores.length === 1) return this.stores[0].revision;
		let sum = 0;
		for (const store of this.stores) sum += store.revision;
		return sum;
	}

	get resets(): number {
		if (this.stores.length === 1) return this.stores[0].resets;
		let sum = 0;
		for (const store of this.stores) sum += store.resets;
		return sum;
	}

	revisionOf(node: string): number {
		return this.byNode.get(node)?.revision ?? 0;
	}

	get statusCounts(): {online: number; offline: number; blocked: number} {
		if (this.stores.length === 1) return this.stores[0].statusCounts;
		const sum = {online: 0, offline: 0, blocked: 0};
		for (const {statusCounts} of this.stores) {
			sum.online += statusCounts.online;
			sum.offline += statusCounts.offline;
			sum.blocked += statusCounts.blocked;
		}

		return sum;
	}

	get hasTraffic(): boolean {
		return this.stores.some((store) => store.hasTraffic);
	}

	/**
	 * Counts summed when every node has given them (a partial sum would look like a real drop);
	 * a version or uptime only when the nodes agree (the per-node header shows each).
	 */
	get broker(): BrokerCounters {
		if (this.stores.length === 1) return this.stores[0].broker;
		const merged: BrokerCounters = {};
		for (const name of counted) {
			let sum = 0;
			for (const store of this.stores) {
				const value = store.broker[name];
				if (value === undefined) {
					sum = Number.NaN;
					break;
				}

				sum += value;
			}

			if (!Number.isNaN(sum)) merged[name] = sum;
		}

		const versions = new Set(this.stores.map((store) => store.broker.version));
		if (versions.size === 1) merged.version = this.stores[0].broker.version;
		return merged;
	}

	get(clientId: string, node?: string): Session | undefined {
		if (node !== undefined) return this.byNode.get(node)?.get(clientId);
		for (const store of this.stores) {
			const session = store.get(clientId);
			if (session) return session;
		}

		return undefined;
	}

	accountRows(): Session[] {
		if (this.stores.length === 1) return this.stores[0].accountRows();
		return this.stores.flatMap((store) => store.accountRows());
	}

	rows(): Session[] {
		if (this.stores.length === 1) return this.stores[0].rows();
		return this.stores.flatMap((store) => store.rows());
	}

	sampleRates(now: number): void {
		for (const store of this.stores) store.sampleRates(now);
	}

	trackChanges(): ChangeLog {
		if (this.stores.length === 1) return this.stores[0].trackChanges();
		return compositeLog(this.stores.map((store) => store.trackChanges()));
	}
}
