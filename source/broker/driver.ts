// The broker seam. A broker family is a driver with two halves: how sessions arrive (a stream of
// events, like Mosquitto's log, or polled snapshots, like a REST API's paged client list, both
// written into the node's SessionSink) and what it can do, declared as capabilities whose plans
// say exactly what an action will do before it is done. Views, the filter, `list`, the audit log
// and the confirm dialog read only these types, never a driver's own.
import type {Config} from '../config.js';
import type {SessionStore} from '../model/session-store.js';
import type {Protocol, Session, SessionEvent} from '../model/types.js';
import type {ActionOutcome, ConnectionState} from './adapter.js';

export type BrokerType = 'mosquitto' | 'rabbitmq' | 'emqx' | 'vernemq';
export const brokerTypes: readonly BrokerType[] = ['mosquitto', 'rabbitmq', 'emqx', 'vernemq'];

/**
 * What an administrator can do to sessions on a broker. `kick-takeover` is Mosquitto's only way to
 * disconnect one client ID of a shared username (connect with that ID, then leave). `unban` lifts
 * any ban the same driver made, by the same target kind. `subscriptions`, `traffic` and `queued`
 * are what the node can show rather than do: `queued` is a per-session count of the messages the
 * broker holds for the client (the Queued column).
 */
export type Capability =
	| 'kick-client'
	| 'kick-user'
	| 'kick-takeover'
	| 'ban-client'
	| 'ban-user'
	| 'ban-address'
	| 'unban'
	| 'subscriptions'
	| 'traffic'
	| 'queued';

/**
 * `pending`: still being probed (start-up), so nothing is known to be wrong yet. `what`: for a
 * capability that shows something, what exactly is shown (e.g. which of the broker's counters the
 * Queued count adds up), for the detail view and the help.
 */
export type CapabilityState = {ok: true; what?: string} | {ok: false; why: string; pending?: boolean};
export type Capabilities = ReadonlyMap<Capability, CapabilityState>;

/** Whom an action is about, on which node. */
export type Target = {node: string; by: 'client' | 'user' | 'address'; value: string};

/**
 * What an action will do, worked out before anything is sent. Dialog text, audit lines and the
 * `kick`/`block` commands' prompts come from here, never from driver code in the view.
 */
export type ActionPlan = {
	capability: Capability;
	target: Target;
	/** Online sessions the broker will disconnect. */
	affected: Session[];
	/** Of the client IDs the operator asked about, those this plan covers. */
	targets: string[];
	/** One line: what happens and to whom (cleaned for the terminal). */
	summary: string;
	/** Further consequences the operator must read (e.g. "only a client-ID ban kicks a live session"). */
	notes: string[];
	/** Destroys or may destroy state (a persistent session's queue): a second, explicit confirmation. */
	destructive: boolean;
	/** For a takeover: whether the session is persistent (undefined: unknown). */
	persistent?: boolean;
};

/**
 * Observation half, as a node's store implements it. One sink per node: takeovers, usernames and
 * accounts are per broker, so each node keeps its own single-broker store and the views merge
 * them (sessions are keyed by node and client ID).
 */
export type SessionSink = {
	/** A streamed event (a log line, a $SYS change, a broker push). */
	apply(event: SessionEvent): void;
	/**
	 * One page of a polled snapshot. Pages of one round accumulate until `complete`: then sessions
	 * the round did not list have left. A round that fails is never completed, so a broken poll
	 * leaves the rows as they were (marked stale by the link state), never an empty broker.
	 */
	reconcile(page: readonly SessionSnapshot[], complete: boolean, time: number): void;
};

/** One session as a snapshot (REST) driver lists it. */
export type SessionSnapshot = {
	clientId: string;
	username?: string;
	address?: string;
	port?: number;
	protocol?: Protocol;
	cleanSession?: boolean;
	keepAlive?: number;
	connectedAt?: number;
	/** false: the broker keeps the session while no client is connected. */
	online: boolean;
	/**
	 * Topic filter → QoS; undefined when this listing does not carry subscriptions. Handed over:
	 * the store keeps a first listing's map as the session's own and changes it later, so a driver
	 * makes a fresh map for each listing and never touches it again (a copy of each of 100,000
	 * maps was a fifth of a first poll's time).
	 */
	subscriptions?: Map<string, number>;
	/** Messages queued for the session, where the broker says. */
	queued?: number;
};

/** Why a capability cannot be applied to this target (e.g. a client without a username for kick-user). */
export type Refusal = {refused: string};

/** Administration half. */
export type BrokerAdmin = {
	capabilities(): Capabilities;
	/** Works out what `capability` would do to `target` now; pure (reads the node's store). */
	plan(capability: Capability, target: Target): ActionPlan | Refusal;
	/** Carries a confirmed plan out; the outcome is what the broker itself confirmed. */
	perform(plan: ActionPlan): Promise<ActionOutcome>;
	/** Re-reads accounts and bans (what `unban` needs), where the broker has them. */
	refresh(): Promise<void>;
};

/** One opened broker (or cluster node). */
export type BrokerNode = {
	/** Unique among the monitored nodes; the Node column, `node:` filter and `list` field. */
	readonly name: string;
	readonly type: BrokerType;
	/** Display URL, never with a password. */
	readonly url: string;
	readonly admin: BrokerAdmin;
	connection(): ConnectionState;
	onConnectionChange(listener: (state: ConnectionState) => void): () => void;
	close(): Promise<void>;
};

/** A node as the monitor and the commands hold it: the driver's half and the store it fills. */
export type MonitoredNode = {node: BrokerNode; store: SessionStore};

export type OpenNodeOptions = {
	/** Resolve before the broker has answered capability probes (the monitor draws first). */
	waitForActions?: boolean;
};

export type BrokerDriver = {
	readonly type: BrokerType;
	/**
	 * `config` is the node's own view of the configuration (its connection fields, name and type).
	 * A snapshot driver writes only through the SessionSink half of `store` (and its counters and
	 * accounts); Mosquitto's also tells it about its own takeover connections.
	 */
	open(config: Config, store: SessionStore, options?: OpenNodeOptions): Promise<BrokerNode>;
};
