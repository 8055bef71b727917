import {countTraffic, newTrafficWindow, trafficRate} from './activity.js';
import {listedWhenOffline} from './persistence.js';
import {RateWindow} from './rate-window.js';
import type {Account, BrokerCounters, HistoryEntry, Session, SessionEvent, TrafficEvent} from './types.js';

export const historyLimit = 50;
/** Ended clean sessions remembered so a flapping client keeps its connect count. */
export const departedLimit = 10_000;

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
 * Every session the monitor knows, built only from broker events. Plain TypeScript with no I/O
 * and no React, so that the list command, the monitor and the benchmarks share it.
 */
export class SessionStore {
	/** The node every session here is on (one store per broker or cluster node). */
	readonly node: string;
	readonly sessions = new Map<string, Session>();
	readonly accounts = new Map<string, Account>();
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

	/** Bumped on every change, so views can skip work when nothing happened. */
	revision = 0;
	/** Bumped when every session is dropped at once (a broker restart): views start over. */
	resets = 0;
	/** Listed sessions by status, kept as they change so no view has to count 100,000 rows. */
	readonly statusCounts = {online: 0, offline: 0, blocked: 0};
	/** Whether any session has traffic figures (the broker logs debug lines). */
	hasTraffic = false;

	constructor(options: {node?: string} = {}) {
		this.node = options.node ?? 'local';
	}

	private readonly byUsername = new Map<string, Set<string>>();
	private readonly departed = new Map<string, Session>();
	/**
	 * Walks `departed` oldest first, for eviction. A fresh keys().next() would rescan the deleted
	 * entries V8 leaves at the front of a Map until it rehashes: tens of thousands per eviction
	 * when replaying a log full of short sessions.
	 */
	private departedOldest: Iterator<string> | undefined;
	private readonly listeners = new Set<(event: SessionEvent) => void>();
	private readonly trackers = new Set<ChangeTracker>();
	/** One copy of each username, however many sessions share it. */
	private readonly names = new Map<string, string>();
	private readonly own = new Map<string, OwnConnection>();

	has(clientId: string): boolean {
		return this.sessions.has(clientId);
	}

	get(clientId: string): Session | undefined {
		return this.sessions.get(clientId);
	}

	/** A listed session, or one that ended and is remembered (for who a disconnect belonged to). */
	lookup(clientId: string): Session | undefined {
		return this.sessions.get(clientId) ?? this.departed.get(clientId);
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
		const ids = this.byUsername.get(username);
		if (!ids) return [];
		const out: Session[] = [];
		for (const id of ids) {
			const session = this.sessions.get(id);
			if (session) out.push(session);
		}

		return out;
	}

	isDisabled(username: string | undefined): boolean {
		return username !== undefined && this.accounts.get(username)?.disabled === true;
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
		const rows: Session[] = [];
		for (const account of this.accounts.values()) {
			if (!account.disabled || this.byUsername.get(account.username)?.size) continue;
			rows.push({
				node: this.node,
				clientId: account.clientId ?? '',
				username: account.username,
				subscriptions: new Map(),
				status: 'blocked',
				connectCount: 0,
				takeoverCount: 0,
				history: [],
				firstSeen: 0,
				addedRevision: 0,
				changedRevision: 0,
				accountOnly: true,
			});
		}

		return rows;
	}

	/** The newest log line no parser understood, for the help view (never parsed again). */
	lastUnknownLine: string | undefined;

	setBrokerCounter<K extends keyof BrokerCounters>(name: K, value: BrokerCounters[K]): void {
		if (this.broker[name] === value) return;
		this.broker[name] = value;
		this.revision++;
	}

	/** Replaces what is known of accounts (from dynamic security's listClients). */
	setAccounts(accounts: Account[]): void {
		this.accounts.clear();
		const disabled = new Set<string>();
		for (const account of accounts) {
			this.accounts.set(account.username, account);
			if (account.disabled) disabled.add(account.username);
		}

		if (disabled.size > 0) this.reviveBlocked(disabled);

		for (const session of this.sessions.values()) this.restatus(session);
		this.revision++;
	}

	setAccountDisabled(username: string, disabled: boolean): void {
		const account = this.accounts.get(username) ?? {username, disabled};
		account.disabled = disabled;
		this.accounts.set(username, account);
		if (disabled) this.reviveBlocked(new Set([username]));
		for (const session of this.sessionsOfUser(username)) this.restatus(session);
		this.revision++;
	}

	/**
	 * Mosquitto logs the disconnects a disableClient causes before the dynsec line that says the
	 * account was disabled, so the store has already let those clean sessions go. A session whose
	 * last word was "disconnected by administrative action" comes back as blocked: the operator
	 * who blocked it sees its ID, blocked, rather than a row that vanished.
	 */
	private reviveBlocked(usernames: ReadonlySet<string>): void {
		for (const session of this.departed.values()) {
			if (session.username === undefined || !usernames.has(session.username)) continue;
			const last = session.history.at(-1);
			if (last?.type !== 'disconnect' || last.kind !== 'administrative') continue;
			this.departed.delete(session.clientId);
			session.status = 'blocked';
			session.addedRevision = this.revision;
			this.list(session);
			this.index(session);
		}
	}

	apply(event: SessionEvent): void {
		this.counters.events++;
		this.revision++;
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
					this.touch(session);
					// Taken over by mqtt-top's own clean connection: the broker discarded the session.
					if (this.own.has(session.clientId)) {
						session.lastDisconnectReason = 'kicked: taken over by mqtt-top (its session discarded)';
						if (this.isDisabled(session.username)) this.setStatus(session, 'blocked');
						else this.forget(session);
					}
				}

				break;
			}

			case 'expire': {
				const session = this.sessions.get(event.clientId);
				if (session) {
					push(session, event);
					this.forget(session);
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
				keepOwnStrings(event, session);
				if (event.qos < 128) session.subscriptions.set(event.topic, event.qos);
				push(session, event);
				this.touch(session);

				break;
			}

			case 'unsubscribe': {
				const session = this.sessionSeenActing(event.clientId, event.time);
				session.subscriptions.delete(event.topic);
				keepOwnStrings(event, session);
				push(session, event);
				this.touch(session);
				break;
			}

			case 'dynsec': {
				this.onDynsec(event);
				break;
			}

			case 'broker-start': {
				// A restart ends every session the old process held (persistence aside, which the log cannot show).
				this.sessions.clear();
				this.statusCounts.online = this.statusCounts.offline = this.statusCounts.blocked = 0;
				this.resets++;
				this.byUsername.clear();
				this.departed.clear();
				this.departedOldest = undefined;
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

		// No iterator to allocate per event when nobody listens (a replay applies millions).
		if (this.listeners.size > 0) for (const listener of this.listeners) listener(event);
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
			this.revision++;
			this.endConnection({type: 'disconnect', time, clientId: session.clientId, kind: 'closed', reason}, reason);
		}

		return ended.length;
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
		this.hasTraffic = true;
		this.touch(session);
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

	/** Sets inPerSecond/outPerSecond on every session with traffic: call once per view tick. */
	sampleRates(now: number): void {
		for (const session of this.sessions.values()) {
			const window = session.trafficWindow;
			if (!window) continue;
			session.inPerSecond = trafficRate(window, now, 'in');
			session.outPerSecond = trafficRate(window, now, 'out');
		}
	}

	private onConnect(event: Extract<SessionEvent, {type: 'connect'}>): void {
		this.counters.connects++;
		this.connectRate.add(event.time);
		let session = this.sessions.get(event.clientId);
		if (!session) {
			session = this.departed.get(event.clientId);
			if (session) this.departed.delete(event.clientId);
			session ??= newSession(this.node, event.clientId, event.time);
			session.addedRevision = this.revision;
			session.status = 'online';
			this.list(session);
		}

		this.unindex(session);
		session.username = event.username === undefined ? undefined : this.intern(event.username);
		this.index(session);

		// The broker let this username in, so whatever we believed about it being disabled is stale,
		// for every session of the account.
		if (event.username !== undefined && this.accounts.get(event.username)?.disabled) {
			this.accounts.get(event.username)!.disabled = false;
			for (const other of this.sessionsOfUser(event.username)) if (other !== session) this.restatus(other);
		}

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
		this.setStatus(session, 'online');
		event.clientId = session.clientId;
		event.address = session.address;
		event.username = session.username;
		push(session, event);
		this.touch(session);
	}

	/** A client we did not see connect proves it is online by acting. */
	private sessionSeenActing(clientId: string, time: number): Session {
		let session = this.sessions.get(clientId);
		if (!session) {
			session = this.departed.get(clientId) ?? newSession(this.node, clientId, time);
			this.departed.delete(clientId);
			session.status = 'online';
			session.addedRevision = this.revision;
			this.list(session);
			this.index(session);
		}

		return session;
	}

	private endConnection(event: HistoryEntry & {clientId: string}, reason: string): void {
		const {clientId, time} = event;
		const session = this.sessions.get(clientId);
		if (!session) {
			// Unknown until now: remember how it left, in case it comes back.
			const departed = this.departed.get(clientId) ?? newSession(this.node, clientId, time);
			departed.status = 'offline';
			departed.lastDisconnectReason = reason;
			departed.lastDisconnectAt = time;
			push(departed, event);
			this.remember(departed);
			return;
		}

		session.lastDisconnectReason = reason;
		session.lastDisconnectAt = time;
		event.clientId = session.clientId;
		push(session, event);
		this.touch(session);
		if (this.isDisabled(session.username)) {
			this.setStatus(session, 'blocked');
		} else if (listedWhenOffline(session)) {
			// Persistent, or an MQTT 5 session that may be: shown offline, never silently forgotten.
			this.setStatus(session, 'offline');
		} else {
			this.forget(session);
		}
	}

	private onDynsec(event: Extract<SessionEvent, {type: 'dynsec'}>): void {
		const username = event.args.username;
		if (username === undefined) return;
		const disabled = event.command === 'disableClient' ? true : event.command === 'enableClient' ? false : undefined;
		if (event.command === 'deleteClient') {
			this.accounts.delete(username);
		} else if (disabled !== undefined) {
			const account = this.accounts.get(username) ?? {username, disabled};
			account.disabled = disabled;
			this.accounts.set(username, account);
			if (disabled) this.reviveBlocked(new Set([username]));
		} else {
			return;
		}

		for (const session of this.sessionsOfUser(username)) {
			push(session, event);
			this.touch(session);
			this.restatus(session);
		}
	}

	/** Recomputes status after the account it belongs to changed. */
	private restatus(session: Session): void {
		if (this.isDisabled(session.username)) {
			this.setStatus(session, 'blocked');
		} else if (session.status === 'blocked') {
			// Unblocked while disconnected: a persistent session waits on the broker, a clean one is gone.
			if (listedWhenOffline(session)) this.setStatus(session, 'offline');
			else this.forget(session);
		}
	}

	private forget(session: Session): void {
		this.unlist(session);
		this.unindex(session);
		session.status = 'offline';
		this.remember(session);
	}

	/** Adds a session to the listed ones; its status is counted from now on. */
	private list(session: Session): void {
		this.sessions.set(session.clientId, session);
		this.statusCounts[session.status]++;
		this.touch(session);
	}

	private unlist(session: Session): void {
		this.sessions.delete(session.clientId);
		this.statusCounts[session.status]--;
		this.touch(session);
	}

	private setStatus(session: Session, status: Session['status']): void {
		if (session.status === status) return;
		this.statusCounts[session.status]--;
		this.statusCounts[status]++;
		session.status = status;
		this.touch(session);
	}

	private intern(name: string): string {
		let kept = this.names.get(name);
		if (kept === undefined) {
			kept = own(name);
			this.names.set(kept, kept);
		}

		return kept;
	}

	private touch(session: Session): void {
		if (session.changedRevision === this.revision) return;
		session.changedRevision = this.revision;
		for (const tracker of this.trackers) tracker.add(session);
	}

	/**
	 * A log of the sessions changed from now on, for a view that re-places only those. It gives
	 * up (take() answers undefined: recompute everything) once more than a quarter of the
	 * sessions changed, so an idle consumer never holds more than that.
	 */
	trackChanges(): ChangeTracker {
		const tracker = new ChangeTracker(() => this.sessions.size);
		this.trackers.add(tracker);
		tracker.onClose = () => this.trackers.delete(tracker);
		return tracker;
	}

	private remember(session: Session): void {
		this.departed.delete(session.clientId);
		this.departed.set(session.clientId, session);
		if (this.departed.size > departedLimit) {
			// Keys re-set since the walk began were moved to the end, so the next key is the oldest.
			let oldest = this.departedOldest?.next();
			if (!oldest || oldest.done) {
				this.departedOldest = this.departed.keys();
				oldest = this.departedOldest.next();
			}

			this.departed.delete(oldest.value);
		}
	}

	private index(session: Session): void {
		if (session.username === undefined) return;
		let ids = this.byUsername.get(session.username);
		if (!ids) {
			ids = new Set();
			this.byUsername.set(session.username, ids);
		}

		ids.add(session.clientId);
	}

	private unindex(session: Session): void {
		if (session.username === undefined) return;
		const ids = this.byUsername.get(session.username);
		ids?.delete(session.clientId);
		if (ids?.size === 0) this.byUsername.delete(session.username);
	}
}

export class ChangeTracker {
	onClose?: () => void;
	private changed: Session[] = [];
	private overflowed = false;

	constructor(private readonly size: () => number) {}

	add(session: Session): void {
		if (this.overflowed) return;
		this.changed.push(session);
		if (this.changed.length > 1000 && this.changed.length > this.size() / 4) {
			this.overflowed = true;
			this.changed = [];
		}
	}

	/** The sessions changed since the last take (a session may appear more than once), or undefined after an overflow. */
	take(): Session[] | undefined {
		const changed = this.overflowed ? undefined : this.changed;
		this.changed = [];
		this.overflowed = false;
		return changed;
	}

	close(): void {
		this.onClose?.();
	}
}

/**
 * A copy that does not keep a whole log line alive: V8 makes substrings of 13 or more characters
 * point into their parent string, so a client ID sliced from a connect line would hold on to all
 * of it for as long as the session lives (about 300 bytes a session, measured at 100,000).
 */
function own(text: string): string {
	return text.length < 13 ? text : Buffer.from(text).toString();
}

/** Points a kept event at the session's own strings (see own). */
function keepOwnStrings(event: {clientId: string; topic: string}, session: Session): void {
	event.clientId = session.clientId;
	event.topic = own(event.topic);
}

/** The newest time the broker said anything about this session. */
function lastHeard(session: Session): number {
	const newest = session.history.length > 0 ? session.history[session.history.length - 1].time : -Infinity;
	return Math.max(newest, session.connectedAt ?? -Infinity, session.lastSeen ?? -Infinity);
}

function newSession(node: string, clientId: string, time: number): Session {
	return {
		node,
		clientId: own(clientId),
		subscriptions: new Map(),
		status: 'online',
		connectCount: 0,
		takeoverCount: 0,
		history: [],
		firstSeen: time,
		addedRevision: 0,
		changedRevision: 0,
	};
}

function startTraffic(session: Session) {
	session.messagesIn ??= 0;
	session.messagesOut ??= 0;
	session.bytesIn ??= 0;
	session.bytesOut ??= 0;
	return newTrafficWindow();
}

/**
 * Appends to a session's bounded history. The first few entries go into arrays of exactly the
 * right length (Array.push would reserve 17 slots on the first entry: 136 bytes for each of
 * 100,000 mostly quiet sessions); a busy session's history grows and slides in place.
 */
function push(session: Session, entry: HistoryEntry): void {
	const {history} = session;
	if (history.length < 4) {
		const next: HistoryEntry[] = new Array(history.length + 1);
		for (let i = 0; i < history.length; i++) next[i] = history[i];
		next[history.length] = entry;
		session.history = next;
		return;
	}

	history.push(entry);
	if (history.length > historyLimit) history.shift();
}
