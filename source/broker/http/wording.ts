// Words the REST drivers' plans and outcomes share, so that EMQX and VerneMQ dialogs read alike.
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionOutcome} from '../adapter.js';
import type {Target} from '../driver.js';
import {ApiError} from './client.js';

export function sessionsWord(n: number): string {
	return n === 1 ? '1 session' : `${n} sessions`;
}

/** Up to ten client IDs, cleaned, then how many more. */
export function names(sessions: readonly Pick<Session, 'clientId'>[]): string {
	const shown = sessions.slice(0, 10).map((s) => cleanText(s.clientId));
	const more = sessions.length > 10 ? ` and ${sessions.length - 10} more` : '';
	return shown.join(', ') + more;
}

export function byClientId(a: Session, b: Session): number {
	return a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0;
}

const kindWords: Record<Target['by'], string> = {client: 'client ID', user: 'username', address: 'address'};

/** "client ID gw-01", "username alice", "address 10.0.0.7", cleaned for the terminal. */
export function who(target: Pick<Target, 'by' | 'value'>): string {
	return `${kindWords[target.by]} ${cleanText(target.value)}`;
}

/**
 * An action whose request got no usable answer: `unknown` when nothing came back (the broker may
 * have carried it out), `failed` when the broker answered no (credentials, permission, an error).
 */
export function outcomeOfError(error: unknown, what: string): ActionOutcome {
	if (error instanceof ApiError && (error.kind === 'timeout' || error.kind === 'unreachable')) {
		return {result: 'unknown', message: `${what}: no answer (${error.message}); it may have been carried out`, disconnected: []};
	}

	return {result: 'failed', message: `${what} failed: ${(error as Error).message}`, disconnected: []};
}
