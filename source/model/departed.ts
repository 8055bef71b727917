import type {Session} from './types.js';

/** Ended clean sessions remembered so a flapping client keeps its connect count. */
export const departedLimit = 10_000;

/**
 * Sessions no longer listed, remembered by client ID (up to departedLimit, the oldest departure
 * evicted first) so that a client coming back keeps its counts and history, and a disconnect
 * line about it still finds whom it belonged to.
 */
export class DepartedSessions {
	private readonly byId = new Map<string, Session>();
	/**
	 * Walks `byId` oldest first, for eviction. A fresh keys().next() would rescan the deleted
	 * entries V8 leaves at the front of a Map until it rehashes: tens of thousands per eviction
	 * when replaying a log full of short sessions.
	 */
	private oldest: Iterator<string> | undefined;

	get size(): number {
		return this.byId.size;
	}

	get(clientId: string): Session | undefined {
		return this.byId.get(clientId);
	}

	/** Removes and returns a remembered session (it is coming back). */
	take(clientId: string): Session | undefined {
		const session = this.byId.get(clientId);
		if (session) this.byId.delete(clientId);
		return session;
	}

	delete(clientId: string): void {
		this.byId.delete(clientId);
	}

	values(): IterableIterator<Session> {
		return this.byId.values();
	}

	/** Remembers a session as the newest departure, evicting the oldest past the limit. */
	remember(session: Session): void {
		this.byId.delete(session.clientId);
		this.byId.set(session.clientId, session);
		if (this.byId.size > departedLimit) {
			// Keys re-set since the walk began were moved to the end, so the next key is the oldest.
			let oldest = this.oldest?.next();
			if (!oldest || oldest.done) {
				this.oldest = this.byId.keys();
				oldest = this.oldest.next();
			}

			this.byId.delete(oldest.value);
		}
	}

	clear(): void {
		this.byId.clear();
		this.oldest = undefined;
	}
}
