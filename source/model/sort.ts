import type {Session} from './types.js';

export const sortColumns = [
	'clientId',
	'username',
	'address',
	'protocol',
	'cleanSession',
	'keepAlive',
	'connectedAt',
	'subscriptions',
	'status',
	'flaps',
	// Where a broker counts them; sessions it does not count sort last.
	'queued',
	// From the log file's debug lines; sessions without that data sort last.
	'inPerSecond',
	'outPerSecond',
	'messagesIn',
	'messagesOut',
	'lastSeen',
	// Several brokers: the node each session is on.
	'node',
	// The history view: when a session connected or left near the moment shown.
	'changedAt',
] as const;
export type SortColumn = (typeof sortColumns)[number];

export type SortOrder = {column: SortColumn; descending: boolean};

/** Reconnects and takeovers seen: a healthy device has none. */
export function flaps(session: Session): number {
	return Math.max(0, session.connectCount - 1) + session.takeoverCount;
}

const statusRank = {online: 0, offline: 1, blocked: 2} as const;

type Key = string | number;

/** The value a session is sorted by in `column` (undefined: no value, sorted last). */
export type SortKey = Key | undefined;

export function sortKey(session: Session, column: SortColumn): SortKey {
	return key(session, column);
}

function key(session: Session, column: SortColumn): Key | undefined {
	switch (column) {
		case 'clientId':
			return session.clientId;
		case 'username':
			return session.username;
		case 'address':
			return session.address;
		case 'protocol':
			return session.protocol;
		case 'cleanSession':
			return session.cleanSession === undefined ? undefined : Number(session.cleanSession);
		case 'keepAlive':
			return session.keepAlive;
		case 'connectedAt':
			return session.connectedAt;
		case 'subscriptions':
			return session.subscriptions.size;
		case 'status':
			return statusRank[session.status];
		case 'flaps':
			return flaps(session);
		case 'queued':
			return session.queued;
		case 'inPerSecond':
			return session.inPerSecond;
		case 'outPerSecond':
			return session.outPerSecond;
		case 'messagesIn':
			return session.messagesIn;
		case 'messagesOut':
			return session.messagesOut;
		case 'lastSeen':
			return session.lastSeen;
		case 'node':
			return session.node;
		case 'changedAt':
			return session.changedAt;
	}
}

function compareKeys(a: Key | undefined, b: Key | undefined): number {
	// Unknown values sort last whatever the direction, so gaps never crowd out real data.
	if (a === undefined) return b === undefined ? 0 : 1;
	if (b === undefined) return -1;
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The last tie-break: client ID, then node (the same ID on two brokers is two rows, in a fixed order). */
function byIdentity(a: Session, b: Session): number {
	if (a.clientId !== b.clientId) return a.clientId < b.clientId ? -1 : 1;
	return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** The order sortSessions gives, as a comparator: for merging a few changed rows into sorted ones. */
export function sessionComparator(order: SortOrder): (a: Session, b: Session) => number {
	const compare = keyedComparator(order);
	return (a, b) => compare(key(a, order.column), a, key(b, order.column), b);
}

/**
 * The same order over keys read earlier (sortKey): for a view that remembers the key each row
 * was placed with, so it can find a row again after the session's own value has changed.
 */
export function keyedComparator(order: SortOrder): (ka: SortKey, a: Session, kb: SortKey, b: Session) => number {
	const direction = order.descending ? -1 : 1;
	return (ka, a, kb, b) => {
		const byKey = compareKeys(ka, kb);
		if (byKey !== 0) return ka === undefined || kb === undefined ? byKey : byKey * direction;
		return byIdentity(a, b);
	};
}

/**
 * Sorts in place by one column, ties broken by client ID so rows keep their places between
 * ticks. The keys are read once per session, not once per comparison.
 */
export function sortSessions(sessions: Session[], order: SortOrder): Session[] {
	const keyed = sessions.map((session) => ({session, key: key(session, order.column)}));
	const direction = order.descending ? -1 : 1;
	keyed.sort((a, b) => {
		const byKey = compareKeys(a.key, b.key);
		if (byKey !== 0) {
			if (a.key === undefined || b.key === undefined) return byKey;
			return byKey * direction;
		}

		return byIdentity(a.session, b.session);
	});
	for (let i = 0; i < keyed.length; i++) sessions[i] = keyed[i].session;
	return sessions;
}
