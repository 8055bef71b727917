// What a link and an action report, for every driver (see driver.ts for the seam itself).

/** Whether Mosquitto's dynamic security can carry out kick/block/unblock, and if not, why. */
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
