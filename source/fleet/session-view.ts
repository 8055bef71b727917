// What a view reads of the sessions: one node's store, or several merged (FleetView). The
// snapshot, the header's figures and `list` read only this, so they work the same for one broker
// and for a fleet.
import type {Account, BrokerCounters, Session} from '../model/types.js';

/** Sessions changed since the last take: undefined when too many changed to log (recompute all). */
export type ChangeLog = {take(): Session[] | undefined; close(): void};

/** Events per second over a sliding window (connects, disconnects, auth failures). */
export type RateReader = {perSecond(now: number): number; series(now: number): number[]};

export type SessionView = {
	/** Every node's name, in configuration order (at least one). */
	readonly nodes: readonly string[];
	/** Changes whenever anything does: views skip work while it stays the same. */
	readonly revision: number;
	/** Changes when a node dropped all its sessions at once (a broker restart): views start over. */
	readonly resets: number;
	/**
	 * The revision `node`'s sessions are stamped against (their addedRevision and changedRevision):
	 * each node counts its own, so stamps compare only within one node.
	 */
	revisionOf(node: string): number;
	/** Listed sessions by status, summed over the nodes. */
	readonly statusCounts: {readonly online: number; readonly offline: number; readonly blocked: number};
	readonly hasTraffic: boolean;
	/** The brokers' $SYS counters: with several nodes, a count only when every node has given it. */
	readonly broker: BrokerCounters;
	readonly accounts: {values(): Iterable<Account>};
	readonly sessions: {values(): Iterable<Session>; readonly size: number};
	readonly connectRate: RateReader;
	readonly disconnectRate: RateReader;
	readonly authFailureRate: RateReader;
	/** A listed session by client ID, on `node` (any node when not given: the first that has it). */
	get(clientId: string, node?: string): Session | undefined;
	/** One row for each disabled account without a known session (new objects on every call). */
	accountRows(): Session[];
	/** Every row: sessions and account-only rows. */
	rows(): Session[];
	/** Per-client message rates, sampled once per view tick. */
	sampleRates(now: number): void;
	trackChanges(): ChangeLog;
};
