import {AccountStatus} from './accounts.js';
import type {ChangeTracker} from './change-tracker.js';
import {countTraffic, trafficRate} from './activity.js';
import {RateWindow} from './rate-window.js';
import {SnapshotReconciler} from './reconcile.js';
import {lastHeard, newSession, own, push, startTraffic} from './session-record.js';
import {SessionTable} from './session-table.js';
import type {SessionSink, SessionSnapshot} from '../broker/driver.js';
import type {Account, BrokerCounters, HistoryEntry, Session, SessionEvent, TrafficEvent} from './types.js';

export {ChangeTracker} from './change-tracker.js';
export {departedLimit} from './departed.js';
export {historyLimit} from './session-record.js';

/**
 * A connection mqtt-top itself makes with a device's client ID (a takeover kick). It must never
 * enter the store as that device's session.
 */
export type OwnConnection = {
	/** Whether a connect line is this connection's (its source port, or a signature before the port is known). */
	matches(event: Extract<SessionEvent, {type: 'connect'}>): boolean;
	/** Set once the connect line was seen, until its disconnect line. */
	online?: boolean;
	/** Set once its disconnect line was seen. */
	ended?: boolean;
};

export type StoreCounters = {
	events: number;
	connects: number;
	disconnects: number;
	authFailures: number;
	takeovers: number;
	unknownLines: number;
};

/**
 * Every session the monitor knows, built only from what the broker says: streamed events
 * (apply) or polled snapshots (reconcile). Plain TypeScript with no I/O and no React, so that
 * the list command, the monitor and the benchmarks share it. The listed sessions and their
 * bookkeeping live in SessionTable, accounts in AccountStatus; this class applies events.
 */
export class SessionStore implements SessionSink {
	/** The node every session here is on (one store per broker or cluster node). */
	readonly node: string;
	readonly sessions: Map<string, Session>;
	readonly accounts: Map<string, Account>;
	readonly broker: BrokerCounters = {};
	readonly counters: StoreCounters = {
		events: 0,
		connects: 0,
		disconnects: 0,
		authFailures: 0,
		takeovers: 0,
		unknownLines: 0,
	};

	readonly connectRate = new RateWindow();
	readonly disconnectRate = new RateWindow();
	readonly authFailureRate = new RateWindow();

	/** Listed sessions by status, kept as they change so no view has to count 100,000 rows. */
	readonly statusCounts: {online: number; offline: number; blocked: number};
	/** Whether any session has traffic figures (the broker logs debug lines). */
	hasTraffic = false;
	/** The newest log line no parser understood, for the help view (never parsed again). */
	lastUnknownLine: string | undefined;

	private readonly table: SessionTable;
	private readonly status: AccountStatus;
	private readonly reconciler: SnapshotReconciler;
	private readonly listeners = new Set<(event: SessionEvent) => void>();
	private readonly own = new Map<string, OwnConnection>();

	constructor(options: {node?: string} = {}) {
		this.node = options.node ?? 'local';
		this.table = new SessionTable(this.node);
		this.status = new AccountStatus(this.table);
		this.sessions = this.table.sessions;
		this.statusCounts = this.table.statusCounts;
		this.accounts = this.status.accounts;
		this.reconciler = new SnapshotReconciler(this.table, this.status, this);
	}

	/** Bumped on every change, so views can skip work when nothing happened. */
	get revision(): number {
		return this.table.revision;
	}

	/** Bumped when every session is dropped at once (a broker restart): views start over. */
	get resets(): number {
		return this.table.resets;
	}

	has(clientId: string): boolean {
		return this.sessions.has(clientId);
	}

	get(clientId: string): Session | undefined {
		return this.sessions.get(clientId);
	}

	/** A listed session, or one that ended and is remembered (for who a disconnect belonged to). */
	lookup(clientId: string): Session | undefined {
		return this.sessions.get(clientId) ?? this.table.departed.get(clientId);
	}

	/**
	 * Announces a connection mqtt-top is about to make with a device's client ID: its connect and
	 * disconnect lines are left out, and the takeover it causes ends the device's session (a clean
	 * connection discards the session it takes over). Returns a function that stops watching.
	 */
	expectOwnConnection(clientId: string, connection: OwnConnection): () => void {
		this.own.set(clientId, connection);
		return () => {
			if (this.own.get(clientId) === connection) this.own.delete(clientId);
		};
	}

	/** Called after each applied event (used by actions that wait for the broker's own word). */
	onEvent(listener: (event: SessionEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Sessions (online, offline or blocked) that use this username. */
	sessionsOfUser(username: string): Session[] {
		return this.table.sessionsOfUser(username);
	}

	isDisabled(username: string | undefined): boolean {
		return this.status.isDisabled(username);
	}

	/**
	 * Every row to show: the sessions, plus one row for each disabled account that has no known
	 * session, so a blocked device is visible even when it has never been seen.
	 */
	rows(): Session[] {
		return [...this.sessions.values(), ...this.accountRows()];
	}

	/** A row for each disabled account with no known session (new objects on every call). */
	accountRows(): Session[] {
		return this.status.rows();
	}

	setBrokerCounter<K extends keyof BrokerCounters>(name: K, value: BrokerCounters[K]): void {
		if (this.broker[name] === value) return;
		this.broker[name] = value;
		this.table.revision++;
	}

	/** Replaces what is known of accounts (from dynamic security's listClients). */
	// The revision moves first: rows these change are stamped with the new one, so a view that
	// computed at the old revision re-places them instead of keeping them where they were.
	setAccounts(accounts: Account[]): void {
		this.table.revision++;
		this.status.replace(accounts);
	}

	setAccountDisabled(username: string, disabled: boolean): void {
		this.table.revision++;
		this.status.setDisabled(username, disabled);
	}

	/**
	 * A log of the sessions changed from now on, for a view that re-places only those. It gives
	 * up (take() answers undefined: recompute everything) once more than a quarter of the
	 * sessions changed, so an idle consumer never holds more than that.
	 */
	trackChanges(): ChangeTracker {
		return this.table.trackChanges();
	}

	/**
	 * One page of a polled snapshot (the SessionSink contract in broker/driver.ts; the rules are
	 * in reconcile.ts).
	 */
	reconcile(page: readonly SessionSnapshot[], complete: boolean, time: number): void {
		this.reconciler.reconcile(page, complete, time);
	}

	apply(event: SessionEvent): void {
		this.counters.events++;
		this.table.revision++;
		switch (event.type) {
			case 'connect': {
				const own = this.own.get(event.clientId);
				if (own && !own.online && own.matches(event)) own.online = true;
				else this.onConnect(event);
				break;
			}

			case 'disconnect': {
				const own = this.own.get(event.clientId);
				if (own?.online && !own.ended) {
					own.ended = true;
					break;
				}

				this.counters.disconnects++;
				this.disconnectRate.add(event.time);
				this.endConnection(event, event.reason);
				break;
			}

			case 'takeover': {
				const session = this.sessions.get(event.clientId);
				// Mosquitto 2.1 logs the same line when a persistent session's owner comes back to it
				// while it was offline: only a live connection being replaced is a takeover.
				if (session?.status === 'online') {
					this.counters.takeovers++;
					session.takeoverCount++;
					session.lastDisconnectReason = 'taken over by a new connection';
					session.lastDisconnectAt = event.time;
					event.clientId = session.clientId;
					push(session, event);
					this.table.touch(session);
					// Taken over by mqtt-top's own clean connection: the broker discarded the session.
					if (this.own.has(session.clientId)) {
						session.lastDisconnectReason = 'kicked: taken over by mqtt-top (its session discarded)';
						if (this.isDisabled(session.username)) this.table.setStatus(session, 'blocked', event.time);
						else this.table.forget(session);
					}
				}

				break;
			}

			case 'expire': {
				const session = this.sessions.get(event.clientId);
				if (session) {
					push(session, event);
					this.table.forget(session);
				}

				break;
			}

			case 'auth-failure': {
				this.counters.authFailures++;
				this.authFailureRate.add(event.time);
				if (event.clientId !== undefined && this.sessions.get(event.clientId)?.status === 'online') {
					this.endConnection(event as typeof event & {clientId: string}, 'not authorised');
				}

				break;
			}

			case 'subscribe': {
				const session = this.sessionSeenActing(event.clientId, event.time);
				event.clientId = session.clientId;
				event.topic = this.table.topic(event.topic);
				if (event.qos < 128) session.subscriptions.set(event.topic, event.qos);
				push(session, event);
				this.table.touch(session);

				break;
			}

			case 'unsubscribe': {
				const session = this.sessionSeenActing(event.clientId, event.time);
				session.subscriptions.delete(event.topic);
				event.clientId = session.clientId;
				event.topic = this.table.topic(event.topic);
				push(session, event);
				this.table.touch(session);
				break;
			}

			case 'dynsec': {
				this.onDynsec(event);
				break;
			}

			case 'broker-start': {
				// A restart ends every session the old process held (persistence aside, which the log cannot show).
				this.table.clear();
				this.broker.version = event.version;
				break;
			}

			case 'traffic': {
				this.onTraffic(event);
				break;
			}

			case 'unknown': {
				this.counters.unknownLines++;
				this.lastUnknownLine = event.line;
				break;
			}

			case 'connection': {
				break;
			}
		}

		this.tell(event);
	}

	/**
	 * After the broker restarted while the monitor could not watch: every session still listed as
	 * online but not heard of since `before` (when the link was lost) belonged to the old broker
	 * process, so it is ended as the broker ended it. Returns how many were ended.
	 */
	endSessionsNotHeardSince(before: number, time: number, reason: string): number {
		const ended: Session[] = [];
		for (const session of this.sessions.values()) {
			if (session.status === 'online' && lastHeard(session) < before) ended.push(session);
		}

		for (const session of ended) {
			this.table.revision++;
			this.endConnection({type: 'disconnect', time, clientId: session.clientId, kind: 'closed', reason}, reason);
		}

		return ended.length;
	}

	/** Sets inPerSecond/outPerSecond on every session with traffic: call once per view tick. */
	sampleRates(now: number): void {
		const listed = this.table.withTraffic;
		for (const session of listed) {
			const window = session.trafficWindow;
			if (!window || this.sessions.get(session.clientId) !== session) {
				listed.delete(session);
				continue;
			}

			session.inPerSecond = trafficRate(window, now, 'in');
			session.outPerSecond = trafficRate(window, now, 'out');
		}
	}

	private tell(event: SessionEvent): void {
		// No iterator to allocate per event when nobody listens (a replay applies millions).
		if (this.listeners.size > 0) for (const listener of this.listeners) listener(event);
	}

	/**
	 * Debug-log traffic. It never creates a session: a file line read a moment after the topic
	 * stream already reported the disconnect must not bring the client back to life.
	 */
	private onTraffic(event: TrafficEvent): void {
		const session = this.sessions.get(event.clientId);
		if (!session) return;
		// The first debug line about a session turns "no data" into zeroes.
		const window = (session.trafficWindow ??= startTraffic(session));
		this.table.withTraffic.add(session);
		this.hasTraffic = true;
		this.table.touch(session);
		if (event.direction === 'in') {
			session.lastSeen = event.time;
			if (event.packet !== 'PUBLISH') return;
			session.messagesIn!++;
			session.bytesIn! += event.bytes;
		} else if (event.packet === 'PUBLISH') {
			session.messagesOut!++;
			session.bytesOut! += event.bytes;
		} else {
			// CONNACK (the parser passes only accepted ones) answers the CONNECT just received.
			if (event.packet === 'CONNACK') session.lastSeen = event.time;
			return;
		}

		countTraffic(window, event.time, event.direction);
	}

	private onConnect(event: Extract<SessionEvent, {type: 'connect'}>): void {
		this.counters.connects++;
		this.connectRate.add(event.time);
		let session = this.sessions.get(event.clientId);
		const listed = session !== undefined;
		if (!session) {
			session = this.table.departed.take(event.clientId) ?? newSession(this.node, event.clientId, event.time);
			session.addedRevision = this.table.revision;
			session.status = 'online';
			this.table.list(session, event.time);
		}

		const username = event.username === undefined ? undefined : this.table.intern(event.username);
		// A listed session is indexed under its username already: most reconnects keep the same one.
		if (!listed || username !== session.username) {
			this.table.unindex(session);
			session.username = username;
			this.table.index(session);
		}

		if (event.username !== undefined) this.status.loggedIn(event.username, session);

		// A clean start discards the old subscriptions; a resumed persistent session keeps them.
		// (Map.clear() allocates a new table even when empty: skipped for the usual clean reconnect.)
		if (event.cleanSession && session.subscriptions.size > 0) session.subscriptions.clear();
		session.address = own(event.address);
		session.port = event.port;
		session.protocol = event.protocol;
		session.cleanSession = event.cleanSession;
		session.keepAlive = event.keepAlive;
		session.connectedAt = event.time;
		session.connectCount++;
		this.table.setStatus(session, 'online', event.time);
		event.clientId = session.clientId;
		event.address = session.address;
		event.username = session.username;
		push(session, event);
		this.table.touch(session);
	}

	/** A client we did not see connect proves it is online by acting. */
	private sessionSeenActing(clientId: string, time: number): Session {
		let session = this.sessions.get(clientId);
		if (!session) {
			session = this.table.departed.take(clientId) ?? newSession(this.node, clientId, time);
			session.status = 'online';
			session.addedRevision = this.table.revision;
			this.table.list(session, time);
			this.table.index(session);
		}

		return session;
	}

	private endConnection(event: HistoryEntry & {clientId: string}, reason: string): void {
		const {clientId, time} = event;
		const session = this.sessions.get(clientId);
		if (!session) {
			// Unknown until now: remember how it left, in case it comes back.
			const departed = this.table.departed.get(clientId) ?? newSession(this.node, clientId, time);
			departed.status = 'offline';
			departed.lastDisconnectReason = reason;
			departed.lastDisconnectAt = time;
			push(departed, event);
			this.table.departed.remember(departed);
			return;
		}

		session.lastDisconnectReason = reason;
		session.lastDisconnectAt = time;
		event.clientId = session.clientId;
		push(session, event);
		this.table.touch(session);
		this.status.settle(session, time);
	}

	private onDynsec(event: Extract<SessionEvent, {type: 'dynsec'}>): void {
		const username = event.args.username;
		if (username === undefined) return;
		const disabled = event.command === 'disableClient' ? true : event.command === 'enableClient' ? false : undefined;
		if (event.command === 'deleteClient') this.status.delete(username);
		else if (disabled !== undefined) this.status.mark(username, disabled);
		else return;

		for (const session of this.sessionsOfUser(username)) {
			push(session, event);
			this.table.touch(session);
			this.status.restatus(session);
		}
	}
}
