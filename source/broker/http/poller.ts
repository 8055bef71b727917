// Runs a REST driver's listing round on a timer and keeps the link state the header shows: a
// round that fails marks the node reconnecting (its rows stay, vouched for up to `lostAt`) and is
// retried with back-off; the next round that succeeds makes it live again.
import type {ConnectionState} from '../adapter.js';
import {nextLinkState, type BackoffPolicy} from '../link-state.js';

export type PollerOptions = {
	/** Milliseconds between the end of one successful round and the start of the next. */
	intervalMs: number;
	/** One listing round; throws (an ApiError) when it could not be completed. */
	round: () => Promise<void>;
	now?: () => number;
	random?: () => number;
};

export class Poller {
	private state: ConnectionState = {state: 'connected'};
	private readonly listeners = new Set<(state: ConnectionState) => void>();
	private timer: NodeJS.Timeout | undefined;
	private running: Promise<boolean> | undefined;
	private closed = false;
	private readonly policy: BackoffPolicy;
	private readonly now: () => number;

	constructor(private readonly options: PollerOptions) {
		this.now = options.now ?? Date.now;
		// Retries start at the polling interval: asking a struggling API more often than usual helps nobody.
		this.policy = {
			baseMs: options.intervalMs,
			maxMs: Math.max(options.intervalMs, 30_000),
			takeoverMs: options.intervalMs,
			takeoverMaxMs: options.intervalMs,
			random: options.random ?? Math.random,
		};
	}

	connection(): ConnectionState {
		return this.state;
	}

	onConnectionChange(listener: (state: ConnectionState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The first round, whose failure the caller reports (and exits on); then polls on its own. */
	async start(): Promise<void> {
		await this.options.round();
		this.schedule(this.options.intervalMs);
	}

	/**
	 * A round now (after the one under way, if any): how an action's outcome is confirmed by the
	 * next listing. Answers whether it completed.
	 */
	async refreshNow(): Promise<boolean> {
		while (this.running) await this.running;
		if (this.closed) return false;
		clearTimeout(this.timer);
		return this.run();
	}

	close(): void {
		this.closed = true;
		clearTimeout(this.timer);
		this.set({...this.state, state: 'closed', retryAt: undefined});
	}

	private schedule(delayMs: number): void {
		if (this.closed) return;
		clearTimeout(this.timer);
		// A round under way (a refresh) schedules the next one itself when it ends.
		this.timer = setTimeout(
			() => {
				if (!this.running) void this.run();
			},
			Math.max(0, delayMs),
		);
	}

	private run(): Promise<boolean> {
		const attempt = (async () => {
			if (this.state.state !== 'connected') this.set(nextLinkState(this.state, {type: 'attempt', at: this.now()}, this.policy));
			try {
				await this.options.round();
				if (this.closed) return true;
				if (this.state.state !== 'connected') this.set(nextLinkState(this.state, {type: 'resynced', at: this.now()}, this.policy));
				this.schedule(this.options.intervalMs);
				return true;
			} catch (error) {
				if (this.closed) return false;
				const next = nextLinkState(this.state, {type: 'lost', at: this.now(), reason: (error as Error).message}, this.policy);
				this.set(next);
				this.schedule((next.retryAt ?? this.now() + this.options.intervalMs) - this.now());
				return false;
			}
		})();
		this.running = attempt;
		void attempt.finally(() => {
			if (this.running === attempt) this.running = undefined;
		});
		return attempt;
	}

	private set(state: ConnectionState): void {
		if (state === this.state) return;
		this.state = state;
		for (const listener of this.listeners) listener(state);
	}
}
