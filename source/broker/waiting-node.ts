import type {ConnectionState} from './adapter.js';
import type {BrokerAdmin, BrokerNode, BrokerType, Capabilities, Capability, CapabilityState} from './driver.js';
import {defaultBackoff, retryDelay, type BackoffPolicy} from './link-state.js';

const allCapabilities: readonly Capability[] = [
	'kick-client',
	'kick-user',
	'kick-takeover',
	'ban-client',
	'ban-user',
	'ban-address',
	'unban',
	'subscriptions',
	'traffic',
	'queued',
];

export type WaitingNodeOptions = {
	name: string;
	type: BrokerType;
	url: string;
	/** Why the first attempt failed. */
	error: string;
	/** Opens the real node; rejects with a reason to try again later. */
	open: () => Promise<BrokerNode>;
	backoff?: BackoffPolicy;
	now?: () => number;
};

/**
 * A fleet node that could not be opened at start-up: the others are monitored meanwhile, and this
 * one is shown down (with why) and opened again with the link's back-off until it answers, then
 * stands in for the opened node. A single broker still fails at once with its exit code: there is
 * nothing else to show.
 */
export class WaitingNode implements BrokerNode {
	readonly name: string;
	readonly type: BrokerType;
	readonly url: string;
	readonly admin: BrokerAdmin;
	private inner: BrokerNode | undefined;
	private state: ConnectionState;
	private readonly listeners = new Set<(state: ConnectionState) => void>();
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	private unsubscribe: (() => void) | undefined;
	private readonly backoff: BackoffPolicy;
	private readonly now: () => number;

	constructor(private readonly options: WaitingNodeOptions) {
		this.name = options.name;
		this.type = options.type;
		this.url = options.url;
		this.backoff = options.backoff ?? defaultBackoff;
		this.now = options.now ?? Date.now;
		const at = this.now();
		this.state = {state: 'reconnecting', detail: options.error, lostAt: at, attempts: 1};
		this.admin = {
			capabilities: () => this.inner?.admin.capabilities() ?? this.downCapabilities(),
			plan: (capability, target) => this.inner?.admin.plan(capability, target) ?? {refused: this.downWhy()},
			perform: async (plan) => this.inner?.admin.perform(plan) ?? {result: 'failed', message: this.downWhy(), disconnected: []},
			refresh: async () => this.inner?.admin.refresh(),
		};
		this.schedule();
	}

	connection(): ConnectionState {
		return this.inner?.connection() ?? this.state;
	}

	onConnectionChange(listener: (state: ConnectionState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	async close(): Promise<void> {
		this.closed = true;
		clearTimeout(this.timer);
		this.unsubscribe?.();
		await this.inner?.close();
		this.state = {state: 'closed'};
		this.emit(this.state);
	}

	private downWhy(): string {
		return `node ${this.name} is down: ${this.state.detail ?? 'not connected'}`;
	}

	private downCapabilities(): Capabilities {
		const down: CapabilityState = {ok: false, why: this.downWhy()};
		return new Map(allCapabilities.map((capability) => [capability, down]));
	}

	private schedule(): void {
		const delay = retryDelay(this.state, this.backoff);
		this.state = {...this.state, retryAt: this.now() + delay};
		this.emit(this.state);
		this.timer = setTimeout(() => void this.attempt(), delay);
		this.timer.unref();
	}

	private async attempt(): Promise<void> {
		this.state = {...this.state, retryAt: undefined};
		this.emit(this.state);
		try {
			const node = await this.options.open();
			if (this.closed) {
				await node.close();
				return;
			}

			this.inner = node;
			this.unsubscribe = node.onConnectionChange((state) => this.emit(state));
			this.emit(node.connection());
		} catch (error) {
			if (this.closed) return;
			this.state = {...this.state, detail: (error as Error).message, attempts: (this.state.attempts ?? 0) + 1};
			this.schedule();
		}
	}

	private emit(state: ConnectionState): void {
		for (const listener of this.listeners) listener(state);
	}
}
