import type {Session} from '../../model/types.js';

/**
 * Identifies a row across snapshots. Account-only rows (a disabled username with no session
 * seen) have no client ID of their own, so they are keyed by username instead.
 */
export function rowKey(session: Session): string {
	return session.accountOnly ? `account:${session.username ?? ''}` : `client:${session.clientId}`;
}
