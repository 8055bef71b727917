import type {ConnectionState} from './adapter.js';

// The broker link's lifecycle as a pure reducer: the adapter feeds it what mqtt.js reports and
// acts on what it answers (when to try again); the header and the table only read the result.
//
//   connected ──lost──▶ reconnecting ──attempt──▶ (trying) ──connack──▶ resyncing ──resynced──▶ connected
//        ▲                   ▲   └───────failed──────┘                      │
//        └───────────────────┴──────────────────lost───────────────────────┘

export type LinkEvent =
	/** The socket closed, or keep-alive found the link dead. `takenOver`: the broker said another client took our ID. */
	| {type: 'lost'; at: number; reason: string; takenOver?: boolean}
	/** A connection attempt begins. */
	| {type: 'attempt'; at: number}
	/** CONNACK arrived: subscriptions, accounts and counts are being read again. */
	| {type: 'connack'; at: number}
	/** Everything was read again: the data is live. */
	| {type: 'resynced'; at: number}
	| {type: 'closed'; at: number};

export type BackoffPolicy = {
	/** First retry after a lost link. */
	baseMs: number;
	/** Longest wait between attempts. */
	maxMs: number;
	/** First wait after another client took our ID; doubles with each further takeover. */
	takeoverMs: number;
	takeoverMaxMs: number;
	/** 0..1: spreads retries so many monitors do not hit a restarted broker at once. */
	random: () => number;
};

export const defaultBackoff: BackoffPolicy = {
	baseMs: 1000,
	maxMs: 10_000,
	takeoverMs: 60_000,
	takeoverMaxMs: 600_000,
	random: Math.random,
};

/** Milliseconds to wait before the next attempt. */
export function retryDelay(state: ConnectionState, policy: BackoffPolicy): number {
	const jitter = 0.8 + 0.4 * policy.random();
	if (state.takenOver) {
		const takeovers = Math.max(1, state.takeovers ?? 1);
		return Math.round(Math.min(policy.takeoverMaxMs, policy.takeoverMs * 2 ** (takeovers - 1)) * jitter);
	}

	const attempts = state.attempts ?? 0;
	return Math.round(Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 20)) * jitter);
}

/** The next link state. `retryAt` in the answer is when the adapter should try again. */
export function nextLinkState(state: ConnectionState, event: LinkEvent, policy: BackoffPolicy = defaultBackoff): ConnectionState {
	if (state.state === 'closed') return state;
	switch (event.type) {
		case 'lost': {
			const wasLive = state.state === 'connected';
			// Rows are vouched for up to the first loss: a failed attempt or resync does not move it.
			const lostAt = wasLive || state.lostAt === undefined ? event.at : state.lostAt;
			const takeovers = (state.takeovers ?? 0) + (event.takenOver ? 1 : 0);
			const next: ConnectionState = {
				state: 'reconnecting',
				detail: event.reason,
				lostAt,
				attempts: wasLive ? 0 : (state.attempts ?? 0) + 1,
				takenOver: event.takenOver === true,
				takeovers,
			};
			next.retryAt = event.at + retryDelay(next, policy);
			return next;
		}

		case 'attempt':
			return {...state, state: 'reconnecting', retryAt: undefined};
		case 'connack':
			return {...state, state: 'resyncing', retryAt: undefined, detail: 'reconnected: reading sessions, accounts and counts again'};
		case 'resynced':
			// Takeovers are remembered, so a monitor that keeps being displaced waits longer each time.
			return {state: 'connected', takeovers: state.takeovers};
		case 'closed':
			return {state: 'closed', detail: 'closed', takeovers: state.takeovers};
	}
}

/** A `$SYS/broker/uptime` reading and when it arrived. */
export type UptimeSample = {uptime: number; at: number};

/**
 * Whether the broker restarted between two uptime readings (seconds since its start). A retained
 * reading can be up to one `sys_interval` old when it arrives, so the start times they imply may
 * differ by that much without a restart; `toleranceMs` allows for it. A restart that came back
 * before the old uptime was reached shows as uptime going down.
 */
export function brokerRestarted(before: UptimeSample, after: UptimeSample, toleranceMs: number): boolean {
	if (after.uptime < before.uptime) return true;
	const startBefore = before.at - before.uptime * 1000;
	const startAfter = after.at - after.uptime * 1000;
	return startAfter - startBefore > toleranceMs;
}

/** Local wall-clock time as HH:MM:SS, how the header names the moment data stopped being live. */
export function clockTime(ms: number): string {
	const d = new Date(ms);
	const two = (n: number) => String(n).padStart(2, '0');
	return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
