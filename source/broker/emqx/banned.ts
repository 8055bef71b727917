// EMQX 5's banned resource (apps/emqx_management/src/emqx_mgmt_api_banned.erl and
// apps/emqx/src/emqx_banned.erl): list, create and delete bans by client ID, username or address.
import {ApiError, describeBody, errorCode, type HttpClient} from '../http/client.js';

/** The `as` kinds mqtt-top makes and lifts; EMQX also has clientid_re, username_re and peerhost_net. */
export type BanKind = 'clientid' | 'username' | 'peerhost';

export type EmqxBan = {
	as: string;
	who: string;
	by?: string;
	reason?: string;
	/** RFC 3339. */
	at?: string;
	/** RFC 3339, or the string `infinity`. */
	until?: string;
};

const pageLimit = 1000;
/** Bans are few; a runaway `hasnext` must not loop for ever. */
const maxPages = 100;

export async function listBans(http: HttpClient): Promise<EmqxBan[]> {
	const bans: EmqxBan[] = [];
	for (let page = 1; page <= maxPages; page++) {
		const answer = await http.request('GET', '/banned', {query: {page, limit: pageLimit}});
		if (answer.status !== 200)
			throw new ApiError(`${http.url} refused the ban listing (${answer.status}${describeBody(answer.body)})`, 'status', answer.status);
		const body = answer.body as {data?: unknown; meta?: {hasnext?: unknown}} | undefined;
		if (!Array.isArray(body?.data))
			throw new ApiError(`${http.url} answered GET /banned with something that is not EMQX 5's documented shape`, 'malformed');
		for (const ban of body.data as EmqxBan[]) if (typeof ban?.as === 'string' && typeof ban.who === 'string') bans.push(ban);
		if (body.meta?.hasnext !== true) break;
	}

	return bans;
}

export type BanAnswer = {result: 'banned'} | {result: 'exists'} | {result: 'refused'; detail: string};

/** POST /banned: 200 with the ban, 400 ALREADY_EXISTS when an unexpired one is there. */
export async function createBan(http: HttpClient, as: BanKind, who: string, reason: string): Promise<BanAnswer> {
	const answer = await http.request('POST', '/banned', {body: {as, who, by: 'mqtt-top', reason}});
	if (answer.status === 200 || answer.status === 201) return {result: 'banned'};
	if (answer.status === 400 && errorCode(answer.body) === 'ALREADY_EXISTS') return {result: 'exists'};
	return {result: 'refused', detail: `${answer.status}${describeBody(answer.body)}`};
}

export type UnbanAnswer = {result: 'lifted'} | {result: 'not-found'} | {result: 'refused'; detail: string};

/** DELETE /banned/{as}/{who}: 204, or 404 NOT_FOUND. */
export async function deleteBan(http: HttpClient, as: BanKind, who: string): Promise<UnbanAnswer> {
	const answer = await http.request('DELETE', `/banned/${as}/${encodeURIComponent(who)}`);
	if (answer.status === 204 || answer.status === 200) return {result: 'lifted'};
	if (answer.status === 404 && errorCode(answer.body) === 'NOT_FOUND') return {result: 'not-found'};
	return {result: 'refused', detail: `${answer.status}${describeBody(answer.body)}`};
}
