import type {Session} from '../../model/types.js';

/**
 * Between a row key's node and its client ID or username. Node names come from the configuration,
 * which refuses control characters in them, so the first one found is always this separator.
 */
const separator = '\u0000';

/**
 * Identifies a row across snapshots: by node and client ID (the same ID on two brokers is two
 * rows). Account-only rows (a disabled username with no session seen) have no client ID of their
 * own, so they are keyed by node and username instead.
 */
export function rowKey(session: Session): string {
	return session.accountOnly
		? `account:${session.node}${separator}${session.username ?? ''}`
		: `client:${session.node}${separator}${session.clientId}`;
}

export type ParsedRowKey = {account: boolean; node: string; id: string};

/** The parts of a key rowKey made (undefined for anything else). */
export function parseRowKey(key: string): ParsedRowKey | undefined {
	const account = key.startsWith('account:');
	if (!account && !key.startsWith('client:')) return undefined;
	const rest = key.slice(account ? 8 : 7);
	const at = rest.indexOf(separator);
	if (at < 0) return undefined;
	return {account, node: rest.slice(0, at), id: rest.slice(at + 1)};
}
