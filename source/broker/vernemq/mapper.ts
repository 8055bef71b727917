// VerneMQ `session show` rows → mqtt-top's vocabulary. Pure: no I/O.
import type {Protocol} from '../../model/types.js';
import type {SessionSnapshot} from '../driver.js';
import type {VernemqRow} from './sessions.js';

/** The protocol level VerneMQ reports (vmq_mqtt_fsm proto_ver): 3, 4, 5; bridges set the top bit (131, 132). */
export function protocolOf(level: unknown): Protocol | undefined {
	if (typeof level !== 'number') return undefined;
	const version = level & 0x7f;
	return version === 3 ? '3.1' : version === 4 ? '3.1.1' : version === 5 ? '5.0' : undefined;
}

function count(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** What the driver keeps of a listed session beyond the snapshot: where it lives, for the disconnect command. */
export type ListedSession = {
	mountpoint: string;
	node?: string;
	online: boolean;
	cleanSession?: boolean;
	queued?: number;
	connectedAt?: number;
};

export type MappedListing = {snapshots: SessionSnapshot[]; listed: Map<string, ListedSession>};

/**
 * One queue can carry several rows (allow_multiple_sessions: one per connection; an offline
 * queue: one without connection fields). One snapshot per client ID: an online row wins, and
 * the queued count is the queue's. The same client ID on two mountpoints is two VerneMQ
 * sessions that mqtt-top, keyed by client ID, shows as one: the first listed.
 */
export function sessionSnapshots(rows: readonly VernemqRow[], subscriptionRows?: readonly VernemqRow[]): MappedListing {
	const chosen = new Map<string, VernemqRow>();
	for (const row of rows) {
		const id = row.client_id!;
		const known = chosen.get(id);
		if (known && (known.mountpoint ?? '') !== (row.mountpoint ?? '')) continue;
		if (!known || (row.is_online === true && known.is_online !== true && row.peer_host !== undefined)) chosen.set(id, row);
	}

	const subscriptions = subscriptionRows
		? subscriptionsByClient(subscriptionRows.filter((r) => (chosen.get(r.client_id!)?.mountpoint ?? '') === (r.mountpoint ?? '')))
		: undefined;

	const snapshots: SessionSnapshot[] = [];
	const listed = new Map<string, ListedSession>();
	for (const [id, row] of chosen) {
		const offline = count(row.offline_messages);
		const online = count(row.online_messages);
		const queued = offline === undefined && online === undefined ? undefined : (offline ?? 0) + (online ?? 0);
		const isOnline = row.is_online === true;
		const connectedAt = isOnline ? count(row.session_started_at) : undefined;
		snapshots.push({
			clientId: id,
			username: typeof row.user === 'string' ? row.user : undefined,
			address: typeof row.peer_host === 'string' ? row.peer_host : undefined,
			port: count(row.peer_port),
			protocol: protocolOf(row.protocol),
			cleanSession: typeof row.clean_session === 'boolean' ? row.clean_session : undefined,
			connectedAt,
			online: isOnline,
			subscriptions: subscriptions?.get(id) ?? (subscriptions ? new Map() : undefined),
			queued,
		});
		listed.set(id, {
			mountpoint: row.mountpoint ?? '',
			node: row.node,
			online: isOnline,
			cleanSession: typeof row.clean_session === 'boolean' ? row.clean_session : undefined,
			queued,
			connectedAt,
		});
	}

	return {snapshots, listed};
}

/** Subscription rows (one per subscription) → client ID → topic filter → QoS. */
export function subscriptionsByClient(rows: readonly VernemqRow[]): Map<string, Map<string, number>> {
	const out = new Map<string, Map<string, number>>();
	for (const row of rows) {
		if (typeof row.topic !== 'string' || typeof row.qos !== 'number') continue;
		let map = out.get(row.client_id!);
		if (!map) out.set(row.client_id!, (map = new Map()));
		map.set(row.topic, row.qos);
	}

	return out;
}

/** Rows per cluster node: a node that returned `limit` rows may have had more. */
export function truncated(rows: readonly VernemqRow[], limit: number): boolean {
	const perNode = new Map<string, number>();
	for (const row of rows) perNode.set(row.node ?? '', (perNode.get(row.node ?? '') ?? 0) + 1);
	for (const n of perNode.values()) if (n >= limit) return true;
	return false;
}
