// Polls the management API into the node's store: each round reads the subscription queues and
// bindings, then every page of connections, and completes the round only when all of it was read.
// A round that fails leaves the rows as they were and turns the link to `reconnecting` (the table
// shows them stale), never into an empty broker.
import type {ConnectionState} from '../adapter.js';
import type {SessionSink, SessionSnapshot} from '../driver.js';
import {nextLinkState, type BackoffPolicy, defaultBackoff} from '../link-state.js';
import {listConnections} from './connections.js';
import {ManagementError, type ManagementClient} from './http.js';
import {offlineSnapshots, toMqttConnection, type MqttConnection} from './mapper.js';
import {readSubscriptions} from './subscriptions.js';

export type PollerOptions = {
	client: ManagementClient;
	sink: SessionSink;
	/** How many MQTT connections the last full round listed (the header's broker count). */
	setConnected(count: number): void;
	/** Between rounds; at least a second, whatever `--refresh` says. */
	intervalMs: number;
	/** Items per request: bounds each answer however big the broker is. */
	pageSize?: number;
	now?: () => number;
	backoff?: BackoffPolicy;
};

export const defaultPageSize = 500;

export class Poller {
	/** The MQTT connections of the newest round, by client ID (what kick needs: the connection's name). */
	connections = new Map<string, MqttConnection>();
	private state: ConnectionState = {state: 'resyncing', detail: 'reading sessions from the management API'};
	private readonly listeners = new Set<(state: ConnectionState) => void>();
	private readonly abort = new AbortController();
	private running: Promise<void> | undefined;
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	/** The previous round's listing moved while it was read; the next one completes regardless. */
	private deferred = false;
	private readonly pageSize: number;
	private readonly intervalMs: number;
	private readonly now: () => number;

	constructor(private readonly options: PollerOptions) {
		this.pageSize = options.pageSize ?? defaultPageSize;
		this.intervalMs = Math.max(1000, options.intervalMs);
		this.now = options.now ?? Date.now;
	}

	connection(): ConnectionState {
		return this.state;
	}

	onConnectionChange(listener: (state: ConnectionState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The last round's error, for the first round's caller (a wrong password must stop `list`). */
	lastError: ManagementError | undefined;

	/** Runs a round now, or joins the one under way. Never throws: failures go to the link state. */
	async poll(): Promise<void> {
		this.running ??= this.round().finally(() => {
			this.running = undefined;
		});
		return this.running;
	}

	/** Polls every interval (after a failure: on the link state's backoff) until closed. */
	start(): void {
		this.schedule();
	}

	async close(): Promise<void> {
		this.closed = true;
		clearTimeout(this.timer);
		this.abort.abort();
		await this.running;
		this.setState({state: 'closed', detail: 'closed'});
	}

	private schedule(): void {
		if (this.closed) return;
		const delay = this.state.retryAt === undefined ? this.intervalMs : Math.max(0, this.state.retryAt - this.now());
		this.timer = setTimeout(() => {
			if (this.state.state === 'reconnecting') this.setState(nextLinkState(this.state, {type: 'attempt', at: this.now()}));
			void this.poll().then(() => this.schedule());
		}, delay);
	}

	private async round(): Promise<void> {
		const {client, sink} = this.options;
		const signal = this.abort.signal;
		const time = this.now();
		try {
			const {index, stable: queuesStable} = await readSubscriptions(client, this.pageSize, signal);
			const connections = new Map<string, MqttConnection>();
			const {stable} = await listConnections(
				client,
				this.pageSize,
				(items) => {
					const page: SessionSnapshot[] = [];
					for (const item of items) {
						const connection = toMqttConnection(item, index);
						// Listed twice when the listing moved between pages: once is enough.
						if (!connection || connections.has(connection.clientId)) continue;
						connections.set(connection.clientId, connection);
						page.push(connection.snapshot);
					}

					if (page.length > 0 && !this.closed) sink.reconcile(page, false, time);
				},
				signal,
			);
			if (this.closed) return;
			// A listing that changed while it was read may have skipped a session: rather than end it
			// on that word, wait one round (but no more, or a busy broker would never end any).
			const complete = (stable && queuesStable) || this.deferred;
			this.deferred = !complete;
			sink.reconcile(offlineSnapshots(index, new Set(connections.keys())), complete, time);
			this.connections = connections;
			this.options.setConnected(connections.size);
			this.lastError = undefined;
			if (this.state.state !== 'connected') this.setState(nextLinkState(this.state, {type: 'resynced', at: this.now()}));
		} catch (error) {
			if (this.closed) return;
			const failure =
				error instanceof ManagementError
					? error
					: new ManagementError(error instanceof Error ? error.message : String(error), 'bad-answer');
			this.lastError = failure;
			this.setState(
				nextLinkState(this.state, {type: 'lost', at: this.now(), reason: failure.message}, this.options.backoff ?? defaultBackoff),
			);
		}
	}

	private setState(state: ConnectionState): void {
		this.state = state;
		for (const listener of this.listeners) listener(state);
	}
}
