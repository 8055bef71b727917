// Compares the sessions the table believes online with the broker's own
// $SYS/broker/clients/connected. The broker publishes that count only once per sys_interval, so a
// difference right after a connect or disconnect is normal; one that outlasts a few publications
// means the table cannot be trusted (sessions it never saw connect, or phantoms it missed leaving).

export type CountCheck = {
	/** +1: the table shows more than the broker has; -1: fewer; 0: they agree (or cannot be compared). */
	sign: number;
	/** When the current disagreement began. */
	since: number;
	/** The broker's uptime when it last changed, and when: its publications give sys_interval. */
	uptime?: number;
	uptimeAt?: number;
	/** Gap between the broker's publications, as seen so far. */
	intervalMs?: number;
};

export type CountInput = {
	/** Sessions the table lists as online. */
	tableOnline: number;
	/** The broker's count, which includes mqtt-top's own connection. */
	brokerConnected?: number;
	/** Whether mqtt-top's own session is among the table's (it usually is not). */
	selfSeen: boolean;
	/** With several brokers: how many of mqtt-top's own connections the table does not list (one per node otherwise). */
	selfUnseen?: number;
	/** Only live data is compared: while reconnecting both figures are old. */
	live: boolean;
	uptime?: number;
};

export type CountMismatch = {table: number; broker: number; forMs: number};

/** Never flag sooner than this, however often the broker publishes. */
const minimumMs = 5000;

export function checkCounts(previous: CountCheck | undefined, input: CountInput, now: number): CountCheck {
	const next: CountCheck = {...(previous ?? {sign: 0, since: now})};
	if (input.uptime !== undefined && input.uptime !== next.uptime) {
		if (next.uptimeAt !== undefined && next.uptime !== undefined && input.uptime > next.uptime) {
			next.intervalMs = now - next.uptimeAt;
		}

		next.uptime = input.uptime;
		next.uptimeAt = now;
	}

	const broker = brokerSessions(input);
	const sign = !input.live || broker === undefined ? 0 : Math.sign(input.tableOnline - broker);
	if (sign !== next.sign) {
		next.sign = sign;
		next.since = now;
	}

	return next;
}

/** The broker's count without mqtt-top itself, unless the table lists mqtt-top too. */
function brokerSessions(input: CountInput): number | undefined {
	if (input.brokerConnected === undefined) return undefined;
	return input.brokerConnected - (input.selfUnseen ?? (input.selfSeen ? 0 : 1));
}

/** How long a difference may last before it is flagged: a few of the broker's publications. */
export function mismatchThreshold(check: CountCheck): number {
	return Math.max(minimumMs, 2 * (check.intervalMs ?? 0) + 1000);
}

/** The disagreement to show, once it has lasted longer than the broker's publications explain. */
export function countMismatch(check: CountCheck, input: CountInput, now: number): CountMismatch | undefined {
	const broker = brokerSessions(input);
	if (check.sign === 0 || broker === undefined) return undefined;
	const forMs = now - check.since;
	if (forMs < mismatchThreshold(check)) return undefined;
	return {table: input.tableOnline, broker: Math.max(0, broker), forMs};
}
