import type {Session, TrafficWindow} from './types.js';

/**
 * Rates are averaged over this many complete seconds of *log* time, not wall time: a replayed
 * backlog then adds to seconds long past and never shows up as a burst now.
 */
export const rateSeconds = 5;

/** Mosquitto's log timestamps have one-second resolution, so "last seen" can be up to a second early. */
const timestampSlackMs = 1000;

export function newTrafficWindow(): TrafficWindow {
	return {second: -1, in: new Array<number>(rateSeconds).fill(0), out: new Array<number>(rateSeconds).fill(0)};
}

/** Counts one PUBLISH at `time` (ms). Older than the window: ignored, it can no longer change a rate. */
export function countTraffic(window: TrafficWindow, time: number, direction: 'in' | 'out'): void {
	const second = Math.floor(time / 1000);
	if (second > window.second) {
		// Clear the buckets the window slides over (all of them after a long silence).
		const stale = Math.min(second - window.second, rateSeconds);
		for (let s = second - stale + 1; s <= second; s++) {
			const slot = s % rateSeconds;
			window.in[slot] = 0;
			window.out[slot] = 0;
		}

		window.second = second;
	} else if (second <= window.second - rateSeconds) {
		return;
	}

	(direction === 'in' ? window.in : window.out)[second % rateSeconds]++;
}

/** Mean PUBLISH per second over the `rateSeconds` complete seconds before `now` (the current second is still filling). */
export function trafficRate(window: TrafficWindow, now: number, direction: 'in' | 'out'): number {
	const current = Math.floor(now / 1000);
	const buckets = direction === 'in' ? window.in : window.out;
	let sum = 0;
	for (let s = current - rateSeconds; s < current; s++) {
		if (s <= window.second && s > window.second - rateSeconds) sum += buckets[s % rateSeconds];
	}

	return sum / rateSeconds;
}

/**
 * Online but silent for longer than the broker itself should tolerate (1.5 × keep-alive): the
 * client is hung, or the broker has not noticed it is gone. Only judged when the log shows
 * traffic (`lastSeen` known); sessions without keep-alive never time out.
 */
export function isStuck(session: Session, now: number): boolean {
	if (session.status !== 'online' || session.lastSeen === undefined || !session.keepAlive) return false;
	return now - session.lastSeen > session.keepAlive * 1500 + timestampSlackMs;
}
