// The connections resource: listing MQTT connections, closing one.
import {segment, type ManagementClient} from './http.js';
import type {ApiConnection} from './mapper.js';
import {readPages, type PagedResult} from './paging.js';

// No `columns=` here: 3.10 answers `client_properties` twice when asked for it by column (an empty
// object, then the real one), and which one a JSON parser keeps is not a thing to rely on.

export async function listConnections(
	client: ManagementClient,
	pageSize: number,
	onPage: (items: ApiConnection[]) => void,
	signal?: AbortSignal,
): Promise<PagedResult> {
	return readPages<ApiConnection>(client, '/api/connections', pageSize, onPage, signal);
}

/** One connection by name, or undefined once the broker no longer has it. */
export async function getConnection(client: ManagementClient, name: string, signal?: AbortSignal): Promise<ApiConnection | undefined> {
	const answer = await client.get<ApiConnection>(`/api/connections/${segment(name)}`, {signal, accept: [404]});
	return answer.status === 404 ? undefined : answer.body;
}

/** Names of a user's connections, of every protocol. */
export async function connectionNamesOfUser(client: ManagementClient, user: string, signal?: AbortSignal): Promise<string[]> {
	const answer = await client.get<Array<{name?: unknown}>>(`/api/connections/username/${segment(user)}`, {signal});
	return (answer.body ?? []).map((c) => c.name).filter((name): name is string => typeof name === 'string');
}

/**
 * Closes a connection; `reason` goes to the broker's log (and to AMQP clients). Answers false when
 * the broker no longer had it.
 */
export async function closeConnection(client: ManagementClient, name: string, reason: string, signal?: AbortSignal): Promise<boolean> {
	const answer = await client.request('DELETE', `/api/connections/${segment(name)}`, {
		// A header carries Latin-1 only: anything else in an operator's name is replaced.
		headers: {'x-reason': reason.replace(/[^\x20-\x7e]/g, '?')},
		signal,
		accept: [404],
	});
	return answer.status !== 404;
}
