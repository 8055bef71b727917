// Feeds the alert engine from the nodes' stores, for every driver alike: Mosquitto's streamed
// events and the REST drivers' polled snapshots both end up as session rows, so transitions are
// read from the rows (the store's change log, plus each streamed event at once so a disconnect
// followed quickly by a reconnect is not missed), never from one broker's log lines.
import type {ConnectionState} from '../broker/adapter.js';
import type {MonitoredNode} from '../broker/driver.js';
import type {ChangeTracker} from '../model/change-tracker.js';
import type {Session} from '../model/types.js';
import type {AlertEngine} from './engine.js';

/** `session`: the row as last seen, to name a client whose row the store dropped at once (a restart). */
type Known = {online: boolean; connects: number; session: Session};

export type FeedNode = MonitoredNode & {
	/** Settles once the node's log file has been replayed: its connects are history, not news. */
	ready?: Promise<unknown>;
};

/** How often the rows are compared (changes a streamed event did not already report, counts). */
export const feedIntervalMs = 200;

export class NodeFeed {
	private readonly known = new Map<string, Known>();
	private tracker: ChangeTracker | undefined;
	private stopEvents: (() => void) | undefined;
	private readonly stopLink: () => void;
	private baselined = false;
	private replayed: boolean;
	private resets = 0;
	private live = false;
	/** Mosquitto: the first uptime reading since the link became live, and whether a newer one came. */
	private firstUptime: number | undefined;
	private freshCycle = false;

	constructor(
		private readonly opened: FeedNode,
		private readonly engine: AlertEngine,
		private readonly onReady?: (node: string) => void,
	) {
		this.replayed = opened.ready === undefined;
		void opened.ready?.then(
			() => (this.replayed = true),
			() => (this.replayed = true),
		);
		this.stopLink = opened.node.onConnectionChange((state) => this.onLink(state));
		this.onLink(opened.node.connection());
	}

	get name(): string {
		return this.opened.node.name;
	}

	private onLink(state: ConnectionState): void {
		const wasLive = this.live;
		this.live = state.state === 'connected';
		if (this.live && !wasLive) {
			this.firstUptime = undefined;
			this.freshCycle = false;
		}

		if (state.state === 'reconnecting') this.engine.linkLost(this.name, state.detail ?? 'not connected');
		if (this.live) this.engine.linkBack(this.name);
	}

	/** Called every feedIntervalMs. */
	tick(): void {
		if (!this.live) return;
		const {store} = this.opened;
		// Nothing to alert on (a monitor with no rules and no watches): no per-event work at all;
		// the first rule or watch starts from the table as it is then.
		if (this.engine.ruleList.length === 0) {
			this.forget();
			return;
		}

		if (!this.baselined) {
			if (!this.replayed) return;
			this.baseline();
		}

		// While the link was down the change log may have been given up on, and a restart line
		// clears the store without touching rows: compare everything then.
		const changed = store.resets === this.resets ? this.tracker!.take() : undefined;
		this.resets = store.resets;
		if (changed === undefined) this.compareAll();
		else for (const session of changed) this.observe(session.clientId);
		const count = this.connectedCount();
		if (count) this.engine.count(this.name, ...count);
	}

	close(): void {
		this.stopLink();
		this.forget();
	}

	private forget(): void {
		if (!this.baselined) return;
		this.stopEvents?.();
		this.tracker?.close();
		this.stopEvents = this.tracker = undefined;
		this.known.clear();
		this.baselined = false;
	}

	/**
	 * The broker's own count where it gives one ($SYS), else the node's online rows. Mosquitto
	 * always gives one, so until its $SYS count arrives there is none (its rows alone would read 0
	 * for every client that connected before mqtt-top started).
	 */
	private connectedCount(): [number, string] | undefined {
		const {store, node} = this.opened;
		if (node.type !== 'mosquitto')
			return [
				store.broker.connected ?? store.statusCounts.online,
				store.broker.connected === undefined ? 'online rows' : 'the broker’s count',
			];
		// The retained $SYS count a new subscription gets can be one sys_interval old (Mosquitto
		// publishes a count only when it changes). Uptime is published every interval: once a
		// newer reading than the first arrives, the broker has published a fresh cycle.
		const {uptime, connected} = store.broker;
		if (!this.freshCycle) {
			if (uptime === undefined) return undefined;
			this.firstUptime ??= uptime;
			if (uptime === this.firstUptime) return undefined;
			this.freshCycle = true;
		}

		return connected === undefined ? undefined : [connected, 'the broker’s count'];
	}

	/** The sessions already there when watching begins are the starting point, not alerts. */
	private baseline(): void {
		const {store} = this.opened;
		for (const session of store.sessions.values()) {
			this.known.set(session.clientId, {online: session.status === 'online', connects: session.connectCount, session});
		}

		this.tracker = store.trackChanges();
		this.resets = store.resets;
		this.stopEvents = store.onEvent((event) => {
			// Only events that can change whether a client is online; the rest wait for the tick.
			if (!this.live || !('clientId' in event) || event.clientId === undefined || event.type === 'traffic') return;
			if (event.type === 'subscribe' || event.type === 'unsubscribe') return;
			this.observe(event.clientId);
		});
		this.baselined = true;
		this.onReady?.(this.name);
	}

	private compareAll(): void {
		const ids = new Set(this.known.keys());
		for (const id of this.opened.store.sessions.keys()) ids.add(id);
		for (const id of ids) this.observe(id);
	}

	private observe(clientId: string): void {
		const {store} = this.opened;
		const session = store.get(clientId);
		const before = this.known.get(clientId);
		const online = session?.status === 'online';
		const connects = session?.connectCount ?? before?.connects ?? 0;
		if (session) this.known.set(clientId, {online, connects, session});
		else this.known.delete(clientId);
		if (!before) {
			if (online) this.engine.connected(session!);
			return;
		}

		// A count that went down belongs to a new record of the same ID (the old one was dropped).
		const newConnects = connects >= before.connects ? connects - before.connects : online ? 1 : 0;
		if (before.online && !online) {
			const gone = session ?? store.lookup(clientId) ?? before.session;
			this.engine.disconnected(gone, downDetail(gone, session === undefined));
			return;
		}

		if (!online || !session) return;
		const ups = before.online ? newConnects : Math.max(1, newConnects);
		for (let i = 0; i < ups; i++) this.engine.connected(session);
	}
}

function downDetail(session: Session, gone: boolean): string {
	const status = gone ? 'disconnected' : session.status;
	return session.lastDisconnectReason === undefined ? status : `${status}: ${session.lastDisconnectReason}`;
}

/**
 * Watches every node for the engine until stopped. Each node is baselined the first time its
 * link is live (and its log file replayed); while a link is down nothing is compared, so its
 * stale rows fire nothing, and what changed meanwhile is compared once it is back.
 */
export function feedAlerts(nodes: readonly FeedNode[], engine: AlertEngine, onReady?: (node: string) => void): {stop(): void} {
	const feeds = nodes.map((node) => new NodeFeed(node, engine, onReady));
	const timer = setInterval(() => {
		for (const feed of feeds) feed.tick();
	}, feedIntervalMs);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			for (const feed of feeds) feed.close();
		},
	};
}
