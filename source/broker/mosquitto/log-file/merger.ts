import type {SessionEvent} from '../../../model/types.js';

// Mosquitto writes every non-debug log line to the file AND publishes the very same text on
// $SYS/broker/log/#: the topic payload is the file line, timestamp prefix included. With both
// sources the monitor must count each line once. Either source may be ahead of the other (the
// topic usually is; the file wins while the MQTT link is down), and the same line may
// legitimately occur twice in one second ("Client x disconnected." after two quick sessions), so
// lines are paired as a multiset: each copy from one side cancels one copy from the other.

export type MergerOptions = {
	/** How long a line waits for its twin from the other source (default 30 s). */
	horizonMs?: number;
	/** Most unpaired lines remembered per source; the oldest are forgotten first (default 50,000). */
	maxPending?: number;
	now?: () => number;
};

export type MergerStats = {
	fromFile: number;
	fromTopic: number;
	/** Copies dropped because the other source had already delivered the line. */
	duplicates: number;
	/** Topic messages held back while the file was replayed, and paired or applied once it was done. */
	heldDuringReplay: number;
	/** Held messages dropped over the cap: safe, the file holds every one of them. */
	droppedDuringReplay: number;
	/** Unpaired lines forgotten (past the horizon or over the cap). */
	expired: number;
};

/**
 * Lines from one source still waiting for their twin. Pairing takes the oldest copy of a text, so
 * queue entries of a text are consumed front to back: `paired` counts the oldest entries whose
 * copies are gone, which expiry then skips instead of forgetting a newer, unpaired copy.
 */
class Pending {
	private readonly byLine = new Map<string, {unpaired: number; paired: number}>();
	private readonly order: Array<{line: string; at: number}> = [];
	private head = 0;
	private unpaired = 0;

	get size(): number {
		return this.unpaired;
	}

	add(line: string, at: number): void {
		const entry = this.byLine.get(line);
		if (entry) entry.unpaired++;
		else this.byLine.set(line, {unpaired: 1, paired: 0});
		this.order.push({line, at});
		this.unpaired++;
	}

	/** Pairs (removes) the oldest unpaired copy of `line`, if there is one. */
	take(line: string): boolean {
		const entry = this.byLine.get(line);
		if (!entry || entry.unpaired === 0) return false;
		entry.unpaired--;
		entry.paired++;
		this.unpaired--;
		return true;
	}

	/** Forgets copies that arrived before `before`, and the oldest beyond `max`; returns how many were unpaired. */
	expire(before: number, max: number): number {
		let expired = 0;
		while (this.head < this.order.length && (this.order[this.head].at < before || this.unpaired > max)) {
			const {line} = this.order[this.head++];
			const entry = this.byLine.get(line)!;
			if (entry.paired > 0) {
				entry.paired--;
			} else {
				entry.unpaired--;
				this.unpaired--;
				expired++;
			}

			if (entry.paired === 0 && entry.unpaired === 0) this.byLine.delete(line);
		}

		if (this.head > 1024 && this.head * 2 > this.order.length) {
			this.order.splice(0, this.head);
			this.head = 0;
		}

		return expired;
	}
}

/**
 * De-duplicates log lines arriving from the file and from $SYS/broker/log/#, applying each
 * event once. Debug lines exist only in the file and pass straight through.
 */
export class LogMerger {
	readonly stats: MergerStats = {fromFile: 0, fromTopic: 0, duplicates: 0, heldDuringReplay: 0, droppedDuringReplay: 0, expired: 0};
	private readonly fileLines = new Pending();
	private readonly topicLines = new Pending();
	private readonly horizonMs: number;
	private readonly maxPending: number;
	private readonly now: () => number;
	private replaying = false;
	private held: Array<{topic: string; payload: string; receivedAt: number}> = [];

	constructor(
		private readonly apply: (event: SessionEvent) => void,
		/** Parses a topic message when it has to be applied (lazily: most are duplicates). */
		private readonly parseTopic: (topic: string, payload: string, receivedAt: number) => SessionEvent,
		options: MergerOptions = {},
	) {
		this.horizonMs = options.horizonMs ?? 30_000;
		this.maxPending = options.maxPending ?? 50_000;
		this.now = options.now ?? Date.now;
	}

	/**
	 * While the file is replayed, topic messages wait: applied now they would land before older
	 * lines still to be replayed (a live connect, then a stale disconnect of the same client).
	 * When the replay ends they are paired with the lines it read, and the rest applied.
	 */
	setReplaying(replaying: boolean): void {
		this.replaying = replaying;
		if (replaying) return;
		const held = this.held;
		this.held = [];
		for (const message of held) this.topicMessage(message.topic, message.payload, message.receivedAt);
	}

	/** A line read from the file (after the replay's starting size), with its parsed event. */
	fileLine(line: string, event: SessionEvent | undefined, debug: boolean): void {
		if (debug) {
			if (event) this.apply(event);
			return;
		}

		const now = this.now();
		this.expire(now);
		if (this.topicLines.take(line)) {
			this.stats.duplicates++;
			return;
		}

		this.stats.fromFile++;
		this.fileLines.add(line, now);
		this.stats.expired += this.fileLines.expire(now - this.horizonMs, this.maxPending);
		if (event) this.apply(event);
	}

	/** A message from $SYS/broker/log/# (what the adapter's onMessage hands over). */
	topicMessage(topic: string, payload: string, receivedAt: number): void {
		if (this.replaying) {
			this.stats.heldDuringReplay++;
			this.held.push({topic, payload, receivedAt});
			if (this.held.length > this.maxPending) {
				// The file holds every line a topic message carries, so dropping one loses nothing.
				this.held.shift();
				this.stats.droppedDuringReplay++;
			}

			return;
		}

		// Pending lines age by the merger's clock: a message held through a long replay is fresh when released.
		const now = this.now();
		this.expire(now);
		if (this.fileLines.take(payload)) {
			this.stats.duplicates++;
			return;
		}

		this.stats.fromTopic++;
		this.topicLines.add(payload, now);
		this.stats.expired += this.topicLines.expire(now - this.horizonMs, this.maxPending);
		this.apply(this.parseTopic(topic, payload, receivedAt));
	}

	/** Unpaired lines remembered, both sources together (bounded by 2 × maxPending). */
	get pending(): number {
		return this.fileLines.size + this.topicLines.size;
	}

	private expire(now: number): void {
		const before = now - this.horizonMs;
		this.stats.expired += this.fileLines.expire(before, this.maxPending) + this.topicLines.expire(before, this.maxPending);
	}
}
