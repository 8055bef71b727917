// EMQX 5's clients resource (apps/emqx_management/src/emqx_mgmt_api_clients.erl): the paged
// listing, one client's subscriptions, and the kick.
import {ApiError, describeBody, errorCode, type HttpClient} from '../http/client.js';

/** The fields mqtt-top reads of a listed client; EMQX sends about sixty. */
export type EmqxClient = {
	clientid: string;
	username?: string | null;
	ip_address?: string;
	port?: number;
	proto_name?: string;
	proto_ver?: number;
	clean_start?: boolean;
	keepalive?: number;
	connected?: boolean;
	/** RFC 3339 with the node's offset (or epoch milliseconds, which the schema also allows). */
	connected_at?: string | number;
	created_at?: string | number;
	node?: string;
	/** Messages waiting in the session's queue (not yet sent: offline, or the inflight window is full). */
	mqueue_len?: number;
	/** QoS 1 and 2 messages sent to the client and not yet acknowledged. */
	inflight_cnt?: number;
	subscriptions_cnt?: number;
	/** Seconds the session outlives its connection. */
	expiry_interval?: number;
};

export type EmqxSubscription = {clientid: string; topic: string; qos: number; node?: string};

export type ClientsPage = {data: EmqxClient[]; hasnext: boolean};

/** EMQX's largest page (emqx_dashboard_swagger's MAX_ROW_LIMIT). */
export const maxPageLimit = 10_000;

function path(clientId: string): string {
	return `/clients/${encodeURIComponent(clientId)}`;
}

function malformed(http: HttpClient, what: string): ApiError {
	return new ApiError(`${http.url} answered ${what} with something that is not EMQX 5's documented shape`, 'malformed');
}

export async function listClientsPage(http: HttpClient, page: number, limit: number): Promise<ClientsPage> {
	const answer = await http.request('GET', '/clients', {query: {page, limit}});
	if (answer.status !== 200)
		throw new ApiError(`${http.url} refused the client listing (${answer.status}${describeBody(answer.body)})`, 'status', answer.status);
	const body = answer.body as {data?: unknown; meta?: {hasnext?: unknown}} | undefined;
	if (!Array.isArray(body?.data) || typeof body.meta?.hasnext !== 'boolean') throw malformed(http, 'GET /clients');
	const data = (body.data as EmqxClient[]).filter((client) => typeof client?.clientid === 'string');
	return {data, hasnext: body.meta.hasnext};
}

/** A client's subscriptions, or undefined when EMQX no longer knows the client. */
export async function listSubscriptions(http: HttpClient, clientId: string): Promise<EmqxSubscription[] | undefined> {
	const answer = await http.request('GET', `${path(clientId)}/subscriptions`);
	if (answer.status === 404) return undefined;
	if (answer.status !== 200)
		throw new ApiError(`${http.url} refused the subscriptions (${answer.status}${describeBody(answer.body)})`, 'status', answer.status);
	if (!Array.isArray(answer.body)) throw malformed(http, 'GET /clients/{id}/subscriptions');
	return (answer.body as EmqxSubscription[]).filter((s) => typeof s?.topic === 'string' && typeof s.qos === 'number');
}

export type KickAnswer = {result: 'kicked'} | {result: 'not-found'} | {result: 'refused'; detail: string};

/** DELETE /clients/{id}: 204 kicked, 404 CLIENTID_NOT_FOUND. */
export async function kickClient(http: HttpClient, clientId: string): Promise<KickAnswer> {
	const answer = await http.request('DELETE', path(clientId));
	if (answer.status === 204 || answer.status === 200) return {result: 'kicked'};
	if (answer.status === 404 && errorCode(answer.body) === 'CLIENTID_NOT_FOUND') return {result: 'not-found'};
	return {result: 'refused', detail: `${answer.status}${describeBody(answer.body)}`};
}
