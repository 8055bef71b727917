// EMQX 5's JSON → mqtt-top's vocabulary. Pure: no I/O, so every documented shape is tested here.
import type {Account, Protocol} from '../../model/types.js';
import type {SessionSnapshot} from '../driver.js';
import type {EmqxBan} from './banned.js';
import type {EmqxClient, EmqxSubscription} from './clients.js';

/** proto_ver as EMQX reports it for MQTT: 3 = 3.1, 4 = 3.1.1, 5 = 5.0. Gateways (MQTT-SN, CoAP…) have none of ours. */
export function protocolOf(client: Pick<EmqxClient, 'proto_name' | 'proto_ver'>): Protocol | undefined {
	if (client.proto_name !== undefined && client.proto_name !== 'MQTT' && client.proto_name !== 'MQIsdp') return undefined;
	return client.proto_ver === 3 ? '3.1' : client.proto_ver === 4 ? '3.1.1' : client.proto_ver === 5 ? '5.0' : undefined;
}

/** RFC 3339 (with the node's own offset) or epoch milliseconds → epoch milliseconds. */
export function timeOf(value: string | number | null | undefined): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	const parsed = Date.parse(value);
	return Number.isNaN(parsed) ? undefined : parsed;
}

function count(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * One listed client. `connected: false` rows are sessions EMQX keeps for a disconnected client
 * (a persistent session), listed offline.
 */
export function clientSnapshot(client: EmqxClient, subscriptions?: Map<string, number>): SessionSnapshot {
	return {
		clientId: client.clientid,
		username: typeof client.username === 'string' ? client.username : undefined,
		address: typeof client.ip_address === 'string' ? client.ip_address : undefined,
		port: count(client.port),
		protocol: protocolOf(client),
		cleanSession: typeof client.clean_start === 'boolean' ? client.clean_start : undefined,
		keepAlive: count(client.keepalive),
		connectedAt: timeOf(client.connected_at),
		online: client.connected === true,
		subscriptions,
		queued: queuedOf(client),
	};
}

/**
 * Everything EMQX holds for the session and the client has not acknowledged: the message queue
 * plus the inflight window (what RabbitMQ's queue depth counts too). Unknown without mqueue_len.
 */
export function queuedOf(client: Pick<EmqxClient, 'mqueue_len' | 'inflight_cnt'>): number | undefined {
	const queue = count(client.mqueue_len);
	return queue === undefined ? undefined : queue + (count(client.inflight_cnt) ?? 0);
}

export function subscriptionMap(subscriptions: readonly EmqxSubscription[]): Map<string, number> {
	const map = new Map<string, number>();
	for (const subscription of subscriptions) map.set(subscription.topic, subscription.qos);
	return map;
}

/**
 * Whether EMQX keeps the session once the connection ends. Unlike Mosquitto's log, the listing
 * says: MQTT 5 by the session expiry interval, older protocols by the clean flag.
 */
export function keepsSession(client: Pick<EmqxClient, 'proto_ver' | 'clean_start' | 'expiry_interval'>): boolean | undefined {
	if (typeof client.expiry_interval === 'number') return client.expiry_interval > 0;
	return typeof client.clean_start === 'boolean' ? !client.clean_start : undefined;
}

/** Whether a ban is still in force at `now` (EMQX expires them in the background, so listings can lag). */
export function banActive(ban: EmqxBan, now: number): boolean {
	if (ban.until === undefined || ban.until === 'infinity') return true;
	const until = timeOf(ban.until);
	return until === undefined || until > now;
}

/**
 * Username bans are what the store calls disabled accounts: they give blocked rows for users with
 * no session and the `unblock` key. Client-ID and address bans have no place there; the driver
 * keeps them for `unban`.
 */
export function bannedAccounts(bans: readonly EmqxBan[], now: number): Account[] {
	return bans.filter((ban) => ban.as === 'username' && banActive(ban, now)).map((ban) => ({username: ban.who, disabled: true}));
}
