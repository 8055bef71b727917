import {ChangeTracker} from './change-tracker.js';
import {DepartedSessions} from './departed.js';
import {OfflineCap} from './offline-cap.js';
import {persistence} from './persistence.js';
import {own} from './session-record.js';
import type {Session, SessionStatus} from './types.js';

/** How many distinct topic filters the table remembers to share (about 6 MB at most). */
const topicMemory = 50_000;

/**
 * The listed sessions and the bookkeeping every change to them must keep exact: status counts,
 * the username index, revision stamps and change trackers, the departed cache and the bound on
 * `offline?` rows. Event application (SessionStore) and snapshot reconciliation both change
 * sessions only through here.
 */
export class SessionTable {
	readonly sessions = new Map<string, Session>();
	/** Listed sessions by status, kept as they change so no view has to count 100,000 rows. */
	readonly statusCounts = {online: 0, offline: 0, blocked: 0};
	readonly departed = new DepartedSessions();
	/**
	 * Listed sessions with a traffic window (maybe a few unlisted since: readers skip and drop
	 * those), so sampling rates each tick reads these, not every session.
	 */
	readonly withTraffic = new Set<Session>();
	/** Bumped on every change, so views can skip work when nothing happened. */
	revision = 0;
	/** Bumped when every session is dropped at once (a broker restart): views start over. */
	resets = 0;

	private readonly byUsername = new Map<string, Set<string>>();
	private readonly trackers = new Set<ChangeTracker>();
	/** One copy of each username, however many sessions share it. */
	private readonly names = new Map<string, string>();
	/** Recent topic filters, one copy each (see topic). */
	private topics = new Map<string, string>();
	private readonly offlineCap: OfflineCap;

	constructor(
		readonly node: string,
		offlineCap = new OfflineCap(),
	) {
		this.offlineCap = offlineCap;
	}

	get(clientId: string): Session | undefined {
		return this.sessions.get(clientId);
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

	hasSessionsOfUser(username: string): boolean {
		return (this.byUsername.get(username)?.size ?? 0) > 0;
	}

	/**
	 * Adds a session to the listed ones; its status is counted from now on. `held`: the broker
	 * itself says it keeps this offline session (a snapshot listed it), so it is never capped.
	 */
	list(session: Session, time: number, held = false): void {
		this.sessions.set(session.clientId, session);
		if (session.trafficWindow) this.withTraffic.add(session);
		this.statusCounts[session.status]++;
		this.touch(session);
		if (session.status === 'offline' && !held) this.capIfUnknown(session, time);
	}

	unlist(session: Session): void {
		this.sessions.delete(session.clientId);
		this.statusCounts[session.status]--;
		if (session.status === 'offline') this.offlineCap.delete(session);
		this.touch(session);
	}

	/** `time`: when it happened (ages `offline?` rows); `held`: see list. */
	setStatus(session: Session, status: SessionStatus, time = 0, held = false): void {
		if (session.status === status) return;
		const previous = session.status;
		this.statusCounts[previous]--;
		this.statusCounts[status]++;
		session.status = status;
		this.touch(session);
		if (previous === 'offline') this.offlineCap.delete(session);
		else if (status === 'offline' && !held) this.capIfUnknown(session, time);
	}

	/** Drops a listed session into the departed cache. */
	forget(session: Session): void {
		this.unlist(session);
		this.unindex(session);
		session.status = 'offline';
		this.departed.remember(session);
	}

	/** Forgets every session at once (a broker restart). */
	clear(): void {
		this.sessions.clear();
		this.withTraffic.clear();
		this.statusCounts.online = this.statusCounts.offline = this.statusCounts.blocked = 0;
		this.resets++;
		this.byUsername.clear();
		this.departed.clear();
		this.offlineCap.clear();
	}

	/** Stamps a session with the current revision and tells the trackers (once per revision). */
	touch(session: Session): void {
		if (session.changedRevision === this.revision) return;
		session.changedRevision = this.revision;
		for (const tracker of this.trackers) tracker.add(session);
	}

	/**
	 * A log of the sessions changed from now on, for a view that re-places only those (see
	 * ChangeTracker).
	 */
	trackChanges(): ChangeTracker {
		const tracker = new ChangeTracker(() => this.sessions.size);
		this.trackers.add(tracker);
		tracker.onClose = () => this.trackers.delete(tracker);
		return tracker;
	}

	intern(name: string): string {
		let kept = this.names.get(name);
		if (kept === undefined) {
			kept = own(name);
			this.names.set(kept, kept);
		}

		return kept;
	}

	/**
	 * A topic filter as kept in subscriptions and history: one copy shared by every session that
	 * uses it (fleets subscribe to the same few filters), never a slice holding a log line alive.
	 * Only the most recent filters are remembered (a fleet's per-device filters would otherwise
	 * make this grow with every client ever seen): the table starts over once it is full, and a
	 * filter kept by a session stays valid whether or not it is still remembered here.
	 */
	topic(filter: string): string {
		let kept = this.topics.get(filter);
		if (kept === undefined) {
			if (this.topics.size >= topicMemory) this.topics = new Map();
			kept = own(filter);
			this.topics.set(kept, kept);
		}

		return kept;
	}

	index(session: Session): void {
		if (session.username === undefined) return;
		let ids = this.byUsername.get(session.username);
		if (!ids) {
			ids = new Set();
			this.byUsername.set(session.username, ids);
		}

		ids.add(session.clientId);
	}

	unindex(session: Session): void {
		if (session.username === undefined) return;
		const ids = this.byUsername.get(session.username);
		ids?.delete(session.clientId);
		if (ids?.size === 0) this.byUsername.delete(session.username);
	}

	/**
	 * An `offline?` row joins the bounded set; the oldest-left (or any gone for too long) make
	 * room, into the departed cache.
	 */
	private capIfUnknown(session: Session, time: number): void {
		if (persistence(session) !== 'unknown') return;
		this.offlineCap.add(session);
		for (let oldest = this.offlineCap.due(time); oldest; oldest = this.offlineCap.due(time)) this.forget(oldest);
	}
}
