/**
 * Counts events in one-second buckets over a sliding window (default one minute), keyed by the
 * event's own time so that a replayed backlog does not look like a live storm.
 */
export class RateWindow {
	private readonly buckets: Float64Array;
	private readonly seconds: Float64Array;

	constructor(readonly windowSeconds = 60) {
		this.buckets = new Float64Array(windowSeconds);
		this.seconds = new Float64Array(windowSeconds).fill(-1);
	}

	add(time: number, count = 1): void {
		const second = Math.floor(time / 1000);
		const slot = second % this.windowSeconds;
		if (this.seconds[slot] !== second) {
			if (this.seconds[slot] > second) return; // older than what the slot holds: outside the window
			this.seconds[slot] = second;
			this.buckets[slot] = 0;
		}

		this.buckets[slot] += count;
	}

	/** Per-second counts, oldest first, for the window ending at `now` (the current second excluded: it is still filling). */
	series(now: number): number[] {
		const current = Math.floor(now / 1000);
		const out: number[] = [];
		for (let s = current - this.windowSeconds; s < current; s++) {
			const slot = ((s % this.windowSeconds) + this.windowSeconds) % this.windowSeconds;
			out.push(this.seconds[slot] === s ? this.buckets[slot] : 0);
		}

		return out;
	}

	/** Mean events per second over the window ending at `now`. */
	perSecond(now: number): number {
		let sum = 0;
		for (const n of this.series(now)) sum += n;
		return sum / this.windowSeconds;
	}
}
