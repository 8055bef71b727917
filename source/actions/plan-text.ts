// Wording shared by every driver's plans, so a dialog reads the same whichever broker it is about.
import type {SessionStore} from '../model/session-store.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';

/** Up to ten client IDs, cleaned for the terminal, then how many more. */
export function names(sessions: readonly Session[]): string {
	const shown = sessions.slice(0, 10).map((s) => cleanText(s.clientId));
	const more = sessions.length > 10 ? ` and ${sessions.length - 10} more` : '';
	return shown.join(', ') + more;
}

export function sessionsWord(n: number): string {
	return n === 1 ? '1 session' : `${n} sessions`;
}

export function affectedText(affected: readonly Session[]): string {
	return affected.length === 0 ? 'no known session is online' : `disconnects ${sessionsWord(affected.length)}: ${names(affected)}`;
}

/** The online sessions of a username, in client-ID order (the order a dialog lists them in). */
export function onlineOfUser(store: SessionStore, username: string): Session[] {
	return store
		.sessionsOfUser(username)
		.filter((s) => s.status === 'online')
		.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
}
