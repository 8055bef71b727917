// Users and their vhost permissions: what block removes and unblock puts back.
import {segment, type ManagementClient} from './http.js';

export type Permission = {vhost: string; configure: string; write: string; read: string};

type ApiPermission = {user?: unknown; vhost?: unknown; configure?: unknown; write?: unknown; read?: unknown};

function toPermission(item: ApiPermission): Permission | undefined {
	const {vhost, configure, write, read} = item;
	if (typeof vhost !== 'string' || typeof configure !== 'string' || typeof write !== 'string' || typeof read !== 'string') return undefined;
	return {vhost, configure, write, read};
}

/** Whether the broker has this user. */
export async function userExists(client: ManagementClient, user: string, signal?: AbortSignal): Promise<boolean> {
	const answer = await client.get(`/api/users/${segment(user)}`, {signal, accept: [404]});
	return answer.status !== 404;
}

export async function permissionsOfUser(client: ManagementClient, user: string, signal?: AbortSignal): Promise<Permission[]> {
	const answer = await client.get<ApiPermission[]>(`/api/users/${segment(user)}/permissions`, {signal});
	return (answer.body ?? []).map(toPermission).filter((p): p is Permission => p !== undefined);
}

/** Every user's permissions, by user (one request: what plans name before anything is sent). */
export async function allPermissions(client: ManagementClient, signal?: AbortSignal): Promise<Map<string, Permission[]>> {
	const answer = await client.get<ApiPermission[]>('/api/permissions', {signal});
	const out = new Map<string, Permission[]>();
	for (const item of answer.body ?? []) {
		const permission = toPermission(item);
		if (!permission || typeof item.user !== 'string') continue;
		const list = out.get(item.user) ?? [];
		list.push(permission);
		out.set(item.user, list);
	}

	return out;
}

/** Answers false when there was nothing to remove. */
export async function removePermission(client: ManagementClient, user: string, vhost: string, signal?: AbortSignal): Promise<boolean> {
	const answer = await client.request('DELETE', `/api/permissions/${segment(vhost)}/${segment(user)}`, {signal, accept: [404]});
	return answer.status !== 404;
}

export async function setPermission(client: ManagementClient, user: string, permission: Permission, signal?: AbortSignal): Promise<void> {
	const {configure, write, read} = permission;
	await client.request('PUT', `/api/permissions/${segment(permission.vhost)}/${segment(user)}`, {body: {configure, write, read}, signal});
}

/** The management account itself and its tags (administrator may close connections and change permissions). */
export async function whoami(client: ManagementClient, signal?: AbortSignal): Promise<{name: string; tags: string[]}> {
	const answer = await client.get<{name?: unknown; tags?: unknown}>('/api/whoami', {signal});
	const tags = answer.body?.tags;
	// 3.x answers a list; older versions a comma-separated string.
	const list = Array.isArray(tags)
		? tags.filter((t): t is string => typeof t === 'string')
		: typeof tags === 'string'
			? tags.split(',')
			: [];
	return {name: typeof answer.body?.name === 'string' ? answer.body.name : '', tags: list.map((t) => t.trim())};
}
