import type {SessionSnapshot} from '../broker/driver.js';
import type {AccountStatus} from './accounts.js';
import type {RateWindow} from './rate-window.js';
import {push} from './session-record.js';
import type {SessionTable} from './session-table.js';
import type {Session, SessionStatus} from './types.js';

/** The store's figures a snapshot moves, as a streamed connect or disconnect would. */
export type ReconcileFigures = {
	counters: {connects: number; disconnects: number};
	connectRate: RateWindow;
	disconnectRate: RateWindow;
};

/** The broker's words are not available to a poll: what the store says instead. */
export const snapshotReasons = {
	reconnected: 'reconnected between polls',
	left: 'client gone, the broker keeps its session',
	unlisted: 'no longer listed by the broker',
} as const;

/**
 * Turns polled snapshots (SessionSink.reconcile) into the same sessions, counts, history and
 * rates a stream of events would have made:
 *
 * - listed online and not connected in the store (new, offline, departed): a connect at
 *   `connectedAt`, or at the poll's time when the broker does not say;
 * - listed online with another `connectedAt`: it reconnected between polls (a disconnect, then a connect);
 * - listed offline: the broker keeps the session with no client (a disconnect if it was connected);
 *   such a row is the broker's own state, never capped like an `offline?` row;
 * - details and `queued` follow the snapshot; subscriptions are replaced when it carries them,
 *   each difference from what the store knew recorded as a subscribe or unsubscribe (a first
 *   listing's subscriptions are where the session stands, not something seen happen: none are
 *   recorded, which also keeps a first poll of 100,000 sessions from allocating 300,000 entries);
 * - once a round is complete, a session it did not list is gone from the broker: a connected one
 *   gets a disconnect, an offline one an expiry, and it is dropped into the departed cache (a
 *   disabled account's stays listed as blocked). A round never completed removes nothing.
 *
 * Accounts are never changed from a snapshot (unlike a logged connect, a listing is no proof of
 * when the account was enabled): a disabled account's sessions show `blocked` unless the broker
 * lists them connected (a ban that leaves live sessions on must not hide them). An unchanged session costs no allocation and no revision: the incremental view
 * re-places only what was stamped.
 *
 * Strings are kept as the driver hands them over, not copied (see own in session-record.ts):
 * JSON.parse makes every value a string of its own, so none holds a response alive. A driver
 * that slices a client ID or topic out of a longer string must copy it itself.
 */
export class SnapshotReconciler {
	/** Pages accumulate into a round until one completes it; every listed session is stamped with it. */
	private round = 1;
	/** Whether this call has bumped the revision yet (at most once a call, and only for a change). */
	private bumped = false;

	constructor(
		private readonly table: SessionTable,
		private readonly accounts: AccountStatus,
		private readonly figures: ReconcileFigures,
	) {}

	reconcile(page: readonly SessionSnapshot[], complete: boolean, time: number): void {
		this.bumped = false;
		for (const snapshot of page) this.one(snapshot, time);
		if (complete) {
			this.endRound(time);
			this.round++;
		}
	}

	private one(snapshot: SessionSnapshot, time: number): void {
		const session = this.table.get(snapshot.clientId);
		if (session === undefined) {
			this.add(snapshot, time);
			return;
		}

		session.listedInRound = this.round;
		const connected = isConnected(session);
		this.updateDetails(session, snapshot);
		if (snapshot.online) {
			if (!connected) {
				this.connect(session, snapshot, time);
			} else if (snapshot.connectedAt !== undefined && snapshot.connectedAt !== session.connectedAt) {
				if (session.connectedAt === undefined) {
					// Known to be connected (it acted) but not since when: now we know.
					this.change();
					session.connectedAt = snapshot.connectedAt;
					this.table.touch(session);
				} else {
					this.disconnect(session, snapshot.connectedAt, snapshotReasons.reconnected);
					this.connect(session, snapshot, time);
				}
			}
		} else if (connected) {
			this.disconnect(session, time, snapshotReasons.left);
		}

		this.updateSubscriptions(session, snapshot, time);
		this.settle(session, snapshot.online, time);
	}

	/** A session the store does not list: new, or back from the departed cache. */
	private add(snapshot: SessionSnapshot, time: number): void {
		this.change();
		const revived = this.table.departed.size === 0 ? undefined : this.table.departed.take(snapshot.clientId);
		if (revived === undefined) {
			this.addNew(snapshot, time);
			return;
		}

		const session = revived;
		session.listedInRound = this.round;
		session.addedRevision = this.table.revision;
		this.updateDetails(session, snapshot);
		this.table.index(session); // unindexed when it left
		session.status = this.statusOf(session, snapshot.online);
		this.table.list(session, time, true);
		if (snapshot.online) this.connect(session, snapshot, time);
		this.updateSubscriptions(session, snapshot, time);
	}

	/**
	 * A session never seen before, made whole in one object literal: every field it will have set
	 * at once (V8 then gives it its final shape up front instead of growing a property array), its
	 * connect already in its history (no empty history array made only to be replaced). A first
	 * poll makes 100,000 of these, and every object made here outlives the young generation: each
	 * one spared is copying the collector does not do.
	 * A first listing's subscriptions are where it stands, not something seen happen: no history.
	 */
	private addNew(snapshot: SessionSnapshot, time: number): void {
		const {online} = snapshot;
		const username = snapshot.username === undefined ? undefined : this.table.intern(snapshot.username);
		const connectedAt = online ? (snapshot.connectedAt ?? time) : undefined;
		const session: Session = {
			node: this.table.node,
			clientId: snapshot.clientId,
			username,
			address: snapshot.address,
			port: snapshot.port,
			protocol: snapshot.protocol,
			cleanSession: snapshot.cleanSession,
			keepAlive: snapshot.keepAlive,
			connectedAt,
			subscriptions: snapshot.subscriptions ?? new Map(),
			status: online ? 'online' : this.accounts.isDisabled(username) ? 'blocked' : 'offline',
			lastDisconnectReason: undefined,
			lastDisconnectAt: undefined,
			connectCount: online ? 1 : 0,
			takeoverCount: 0,
			history: online
				? [
						{
							type: 'connect',
							time: connectedAt!,
							clientId: snapshot.clientId,
							address: snapshot.address,
							port: snapshot.port,
							protocol: snapshot.protocol,
							cleanSession: snapshot.cleanSession,
							keepAlive: snapshot.keepAlive,
							username,
						},
					]
				: [],
			firstSeen: connectedAt ?? time,
			addedRevision: this.table.revision,
			changedRevision: 0,
			queued: snapshot.queued,
			listedInRound: this.round,
		};
		this.table.index(session);
		this.table.list(session, time, true);
		if (online) {
			this.figures.counters.connects++;
			this.figures.connectRate.add(connectedAt!);
		}
	}

	/** Sessions this round did not list have left the broker. */
	private endRound(time: number): void {
		for (const session of this.table.sessions.values()) {
			if (session.listedInRound === this.round) continue;
			if (isConnected(session)) {
				this.disconnect(session, time, snapshotReasons.unlisted);
			} else if (session.status === 'blocked') {
				continue; // already ended; its disabled account keeps it in view
			} else {
				this.change();
				push(session, {type: 'expire', time, clientId: session.clientId});
			}

			// Deleting the entry being visited is safe in a Map's iteration.
			if (this.accounts.isDisabled(session.username)) this.table.setStatus(session, 'blocked', time, true);
			else this.table.forget(session);
		}
	}

	private connect(session: Session, snapshot: SessionSnapshot, time: number): void {
		const at = snapshot.connectedAt ?? time;
		this.change();
		this.figures.counters.connects++;
		this.figures.connectRate.add(at);
		// As for a logged connect: a clean start discards the old subscriptions (unless the listing says).
		if (snapshot.subscriptions === undefined && session.cleanSession && session.subscriptions.size > 0) session.subscriptions.clear();
		session.connectedAt = at;
		session.connectCount++;
		push(session, {
			type: 'connect',
			time: at,
			clientId: session.clientId,
			address: session.address,
			port: session.port,
			protocol: session.protocol,
			cleanSession: session.cleanSession,
			keepAlive: session.keepAlive,
			username: session.username,
		});
		this.table.touch(session);
	}

	private disconnect(session: Session, at: number, reason: string): void {
		this.change();
		this.figures.counters.disconnects++;
		this.figures.disconnectRate.add(at);
		session.lastDisconnectReason = reason;
		session.lastDisconnectAt = at;
		push(session, {type: 'disconnect', time: at, clientId: session.clientId, kind: 'closed', reason});
		this.table.touch(session);
	}

	/** The listing's details, where it gives them (a listing that leaves one out keeps what is known). */
	private updateDetails(session: Session, snapshot: SessionSnapshot): void {
		let changed = false;
		if (snapshot.username !== undefined && snapshot.username !== session.username) {
			this.change();
			this.table.unindex(session);
			session.username = this.table.intern(snapshot.username);
			this.table.index(session);
			changed = true;
		}

		if (snapshot.address !== undefined && snapshot.address !== session.address) {
			this.change();
			session.address = snapshot.address;
			changed = true;
		}

		if (snapshot.port !== undefined && snapshot.port !== session.port) {
			this.change();
			session.port = snapshot.port;
			changed = true;
		}

		if (snapshot.protocol !== undefined && snapshot.protocol !== session.protocol) {
			this.change();
			session.protocol = snapshot.protocol;
			changed = true;
		}

		if (snapshot.cleanSession !== undefined && snapshot.cleanSession !== session.cleanSession) {
			this.change();
			session.cleanSession = snapshot.cleanSession;
			changed = true;
		}

		if (snapshot.keepAlive !== undefined && snapshot.keepAlive !== session.keepAlive) {
			this.change();
			session.keepAlive = snapshot.keepAlive;
			changed = true;
		}

		if (snapshot.queued !== session.queued) {
			this.change();
			session.queued = snapshot.queued;
			changed = true;
		}

		if (changed) this.table.touch(session);
	}

	/** Replaces the subscriptions when the listing carries them, recording each difference. */
	private updateSubscriptions(session: Session, snapshot: SessionSnapshot, time: number): void {
		const listed = snapshot.subscriptions;
		if (listed === undefined || sameSubscriptions(session.subscriptions, listed)) return;
		this.change();
		const {subscriptions} = session;
		for (const topic of listed.keys()) {
			const qos = listed.get(topic)!;
			if (subscriptions.get(topic) === qos) continue;
			subscriptions.set(topic, qos);
			push(session, {type: 'subscribe', time, clientId: session.clientId, topic, qos});
		}

		for (const topic of subscriptions.keys()) {
			if (listed.has(topic)) continue;
			subscriptions.delete(topic);
			push(session, {type: 'unsubscribe', time, clientId: session.clientId, topic});
		}

		this.table.touch(session);
	}

	private settle(session: Session, online: boolean, time: number): void {
		const status = this.statusOf(session, online);
		if (session.status === status) return;
		this.change();
		this.table.setStatus(session, status, time, true);
	}

	private statusOf(session: Session, online: boolean): SessionStatus {
		// A broker that lists a banned user's client as connected still has it connected (EMQX's
		// username bans leave live sessions on): the row must say online, not hide it as blocked.
		if (online) return 'online';
		return this.accounts.isDisabled(session.username) ? 'blocked' : 'offline';
	}

	/** A change is coming: stamp it with a new revision, once per call. */
	private change(): void {
		if (this.bumped) return;
		this.table.revision++;
		this.bumped = true;
	}
}

/** Whether the store has the session's client connected (a blocked row may be either). */
function isConnected(session: Session): boolean {
	if (session.status !== 'blocked') return session.status === 'online';
	for (let i = session.history.length - 1; i >= 0; i--) {
		const type = session.history[i].type;
		if (type === 'connect') return true;
		if (type === 'disconnect' || type === 'expire' || type === 'auth-failure') return false;
	}

	return false;
}

function sameSubscriptions(kept: ReadonlyMap<string, number>, listed: ReadonlyMap<string, number>): boolean {
	if (kept.size !== listed.size) return false;
	for (const topic of listed.keys()) if (kept.get(topic) !== listed.get(topic)) return false;
	return true;
}
