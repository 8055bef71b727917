// One timer for the whole fleet: thousands of devices each holding their own setTimeout would
// cost more than the simulation itself. Entries live in a binary min-heap ordered by due time.

export type Scheduled = {at: number; run: () => void; cancelled: boolean};

export class Scheduler {
	private readonly heap: Scheduled[] = [];
	private timer: NodeJS.Timeout | undefined;
	private armedFor = Infinity;
	private stopped = false;

	constructor(private readonly now: () => number = Date.now) {}

	/** Runs `run` after `ms`; cancel with `cancel(handle)`. Errors thrown by `run` are swallowed. */
	after(ms: number, run: () => void): Scheduled {
		const entry: Scheduled = {at: this.now() + Math.max(0, ms), run, cancelled: false};
		if (this.stopped) return {...entry, cancelled: true};
		this.push(entry);
		this.arm();
		return entry;
	}

	cancel(entry: Scheduled | undefined): void {
		// Lazy removal: the entry is skipped when it comes due.
		if (entry) entry.cancelled = true;
	}

	get size(): number {
		return this.heap.length;
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.heap.length = 0;
	}

	private arm(): void {
		const next = this.heap[0];
		if (!next || this.stopped) return;
		if (this.timer && next.at >= this.armedFor) return;
		clearTimeout(this.timer);
		this.armedFor = next.at;
		this.timer = setTimeout(() => this.fire(), Math.max(0, next.at - this.now()));
		// The devices' sockets keep the process alive, not the simulation's clock.
		this.timer.unref();
	}

	private fire(): void {
		this.timer = undefined;
		this.armedFor = Infinity;
		const now = this.now();
		while (this.heap.length > 0 && this.heap[0].at <= now && !this.stopped) {
			const entry = this.pop()!;
			if (entry.cancelled) continue;
			entry.cancelled = true;
			try {
				entry.run();
			} catch {
				// A misbehaving device must not stop the others.
			}
		}

		this.arm();
	}

	private push(entry: Scheduled): void {
		const heap = this.heap;
		heap.push(entry);
		let i = heap.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (heap[parent].at <= entry.at) break;
			heap[i] = heap[parent];
			i = parent;
		}

		heap[i] = entry;
	}

	private pop(): Scheduled | undefined {
		const heap = this.heap;
		const top = heap[0];
		const last = heap.pop();
		if (heap.length === 0 || last === undefined) return top;
		let i = 0;
		for (;;) {
			const left = 2 * i + 1;
			if (left >= heap.length) break;
			const right = left + 1;
			const child = right < heap.length && heap[right].at < heap[left].at ? right : left;
			if (heap[child].at >= last.at) break;
			heap[i] = heap[child];
			i = child;
		}

		heap[i] = last;
		return top;
	}
}
