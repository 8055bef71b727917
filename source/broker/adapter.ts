import type {SessionStore} from '../model/session-store.js';

/** Whether kick/block/unblock can be carried out, and if not, why (shown to the operator). */
export type ActionAvailability =
	| {dynsec: true}
	/** `pending`: the plugin has not answered yet (start-up), so nothing is known to be wrong. */
	| {dynsec: false; reason: string; pending?: boolean};

/**
 * `unknown`: the command went out but no answer came (a timeout, the link or mqtt-top closing), so
 * the broker may still have carried it out: never report that as failed.
 */
export type ActionResult = 'done' | 'failed' | 'unknown';

export type ActionOutcome = {
	result: ActionResult;
	/** One line for the operator and the audit log. */
	message: string;
	/** Client IDs the broker reported disconnected as a result. */
	disconnected: string[];
};

/**
 * The broker link. Only `connected` means live data: `resyncing` is connected but still reading
 * subscriptions, accounts and counts again after a reconnect (see broker/link-state.ts).
 */
export type ConnectionState = {
	state: 'connected' | 'resyncing' | 'reconnecting' | 'closed';
	/** Why the connection is not up, for the header's warning line. */
	detail?: string;
	/** When the link was lost: the last moment the table's data was vouched for. */
	lostAt?: number;
	/** When the next connection attempt is due; undefined while one is under way. */
	retryAt?: number;
	/** Failed attempts since the link was lost. */
	attempts?: number;
	/** The broker closed the link because another client connected with this monitor's client ID. */
	takenOver?: boolean;
	/** How often that happened since the monitor started (each one backs off longer). */
	takeovers?: number;
};

/**
 * What every broker flavour provides. Events flow into `store`; actions report the outcome the
 * broker itself confirmed, never an optimistic guess.
 */
export type BrokerAdapter = {
	readonly flavour: string;
	/** Display URL of the broker (never includes the password). */
	readonly url: string;
	readonly store: SessionStore;
	readonly actions: ActionAvailability;
	connection(): ConnectionState;
	onConnectionChange(listener: (state: ConnectionState) => void): () => void;
	/** Re-reads accounts (e.g. disabled ones) from the broker. */
	refreshAccounts(): Promise<void>;
	kickByUsername(username: string): Promise<ActionOutcome>;
	/** Disconnects one client ID by connecting with it (see DESIGN.md: destructive for persistent sessions). */
	kickByTakeover(clientId: string): Promise<ActionOutcome>;
	block(username: string): Promise<ActionOutcome>;
	unblock(username: string): Promise<ActionOutcome>;
	close(): Promise<void>;
};
