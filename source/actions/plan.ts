import type {ActionAvailability} from '../broker/adapter.js';
import type {SessionStore} from '../model/session-store.js';
import {persistence} from '../model/persistence.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';

/**
 * What an action will do, worked out before anything is sent, so the operator can confirm the
 * exact consequences. Pure: reads the store, touches no broker.
 */
export type ActionPlan =
	| {
			kind: 'kick-user' | 'block' | 'unblock';
			username: string;
			/** Sessions the broker will disconnect (online ones sharing the username). */
			affected: Session[];
			/** Of the requested client IDs, those the plan covers. */
			targets: string[];
			summary: string;
			/** Whether persistent sessions would lose anything (never for these kinds). */
			destructive: boolean;
	  }
	| {
			kind: 'kick-takeover';
			clientId: string;
			/** undefined: unknown (never seen connecting, or MQTT 5, whose session expiry is not logged). */
			persistent: boolean | undefined;
			targets: string[];
			summary: string;
			/** A takeover of a persistent (or unknown) session destroys or steals its queued state. */
			destructive: boolean;
	  }
	| {kind: 'impossible'; targets: string[]; summary: string};

function names(sessions: Session[]): string {
	const shown = sessions.slice(0, 10).map((s) => cleanText(s.clientId));
	const more = sessions.length > 10 ? ` and ${sessions.length - 10} more` : '';
	return shown.join(', ') + more;
}

function sessionsWord(n: number): string {
	return n === 1 ? '1 session' : `${n} sessions`;
}

function affectedText(affected: Session[]): string {
	return affected.length === 0 ? 'no known session is online' : `disconnects ${sessionsWord(affected.length)}: ${names(affected)}`;
}

function online(store: SessionStore, username: string): Session[] {
	return store
		.sessionsOfUser(username)
		.filter((s) => s.status === 'online')
		.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
}

function accountFor(store: SessionStore, clientId: string): string | undefined {
	for (const account of store.accounts.values()) if (account.clientId === clientId) return account.username;
	return undefined;
}

/**
 * Kicking with dynamic security is by username: every session of that username goes. Without a
 * username (or without the plugin) the only way is to take over the client ID, which is harmless
 * only for clean sessions.
 */
export function planKick(store: SessionStore, clientId: string, actions: ActionAvailability): ActionPlan {
	const session = store.get(clientId);
	const shown = cleanText(clientId);
	// An account pinned to this client ID names the username even when the session was never seen.
	const username = session?.username ?? accountFor(store, clientId);
	if (username !== undefined && actions.dynsec) {
		const affected = online(store, username);
		return {
			kind: 'kick-user',
			username,
			affected,
			targets: [clientId],
			destructive: false,
			summary: `kicks username ${cleanText(username)}: ${affectedText(affected)}`,
		};
	}

	const kept = session === undefined ? 'unknown' : persistence(session);
	const persistent = kept === 'unknown' ? undefined : kept === 'persistent';
	const why =
		session === undefined
			? 'mqtt-top has not seen this client connect, so it cannot tell whether its session is persistent'
			: session.username === undefined
				? 'it has no username, so dynamic security cannot kick it'
				: 'dynamic security is unavailable';
	const risk =
		persistent === false
			? 'harmless for its clean session'
			: persistent
				? 'this DESTROYS its persistent session (queued messages and subscriptions)'
				: session?.protocol === '5.0'
					? 'MQTT 5 does not log the session expiry, so its session may persist: this may DESTROY it (queued messages and subscriptions)'
					: 'if its session is persistent this DESTROYS it (queued messages and subscriptions)';
	return {
		kind: 'kick-takeover',
		clientId,
		persistent,
		targets: [clientId],
		destructive: persistent !== false,
		summary: `kicks client ${shown} by taking over its client ID (${why}): ${risk}`,
	};
}

export function planBlock(store: SessionStore, username: string): ActionPlan {
	const affected = online(store, username);
	return {
		kind: 'block',
		username,
		affected,
		targets: affected.map((s) => s.clientId),
		destructive: false,
		summary: `disables username ${cleanText(username)} (it cannot reconnect until unblocked): ${affectedText(affected)}`,
	};
}

export function planUnblock(store: SessionStore, username: string): ActionPlan {
	const known = store.sessionsOfUser(username);
	return {
		kind: 'unblock',
		username,
		affected: [],
		targets: known.map((s) => s.clientId),
		destructive: false,
		summary: `enables username ${cleanText(username)} again${known.length ? ` (${sessionsWord(known.length)} known: ${names(known)})` : ''}`,
	};
}
