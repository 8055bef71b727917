import {affectedText, names, onlineOfUser, sessionsWord} from '../../actions/plan-text.js';
import type {SessionStore} from '../../model/session-store.js';
import {persistence} from '../../model/persistence.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionPlan, Refusal, Target} from '../driver.js';

/** The username a client ID is known by: its session's, or a dynamic-security account pinned to it. */
export function usernameOf(store: SessionStore, clientId: string): string | undefined {
	const session = store.get(clientId);
	if (session?.username !== undefined) return session.username;
	for (const account of store.accounts.values()) if (account.clientId === clientId) return account.username;
	return undefined;
}

/**
 * Kicking with dynamic security is by username: every session of that username goes (the target
 * may name a client, whose username is then used).
 */
export function planKickUser(store: SessionStore, target: Target): ActionPlan | Refusal {
	const username = target.by === 'user' ? target.value : usernameOf(store, target.value);
	if (username === undefined) return {refused: `client ${cleanText(target.value)} has no username, so dynamic security cannot kick it`};
	const affected = onlineOfUser(store, username);
	return {
		capability: 'kick-user',
		target: {node: target.node, by: 'user', value: username},
		affected,
		targets: target.by === 'client' ? [target.value] : affected.map((s) => s.clientId),
		notes: [],
		destructive: false,
		summary: `kicks username ${cleanText(username)}: ${affectedText(affected)}`,
	};
}

/**
 * Without a username (or without the plugin) the only way to disconnect one client is to take over
 * its client ID, which is harmless only for clean sessions.
 */
export function planTakeover(store: SessionStore, target: Target): ActionPlan | Refusal {
	if (target.by !== 'client') return {refused: 'a takeover is of one client ID'};
	const clientId = target.value;
	const session = store.get(clientId);
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
		capability: 'kick-takeover',
		target,
		affected: session?.status === 'online' ? [session] : [],
		persistent,
		targets: [clientId],
		notes: [],
		destructive: persistent !== false,
		summary: `kicks client ${cleanText(clientId)} by taking over its client ID (${why}): ${risk}`,
	};
}

export function planBlock(store: SessionStore, target: Target): ActionPlan | Refusal {
	if (target.by !== 'user') return {refused: 'dynamic security blocks usernames, not client IDs or addresses'};
	const username = target.value;
	const affected = onlineOfUser(store, username);
	return {
		capability: 'ban-user',
		target,
		affected,
		targets: affected.map((s) => s.clientId),
		notes: [],
		destructive: false,
		summary: `disables username ${cleanText(username)} (it cannot reconnect until unblocked): ${affectedText(affected)}`,
	};
}

export function planUnblock(store: SessionStore, target: Target): ActionPlan | Refusal {
	if (target.by !== 'user') return {refused: 'dynamic security blocks usernames, not client IDs or addresses'};
	const username = target.value;
	const known = store.sessionsOfUser(username);
	return {
		capability: 'unban',
		target,
		affected: [],
		targets: known.map((s) => s.clientId),
		notes: [],
		destructive: false,
		summary: `enables username ${cleanText(username)} again${known.length ? ` (${sessionsWord(known.length)} known: ${names(known)})` : ''}`,
	};
}
