import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ActionPlan} from '../../../source/broker/driver.js';
import {RabbitAdmin, type AdminStore} from '../../../source/broker/rabbitmq/admin.js';
import type {MqttConnection} from '../../../source/broker/rabbitmq/mapper.js';
import type {Permission} from '../../../source/broker/rabbitmq/permissions.js';
import {readBlocks} from '../../../source/broker/rabbitmq/restore-file.js';
import type {Session} from '../../../source/model/types.js';
import {fakeApi, type FakeApi} from '../../support/fake-rabbit-api.js';

function session(clientId: string, username: string, extra: Partial<Session> = {}): Session {
	return {
		node: 'rabbit',
		clientId,
		username,
		subscriptions: new Map(),
		status: 'online',
		connectCount: 1,
		takeoverCount: 0,
		history: [],
		firstSeen: 0,
		addedRevision: 0,
		changedRevision: 0,
		...extra,
	};
}

/** The admin's view of a store: sessions, and the accounts it marks blocked. */
function fakeStore(sessions: Session[]) {
	const disabled = new Map<string, boolean>();
	const store: AdminStore = {
		get: (id) => sessions.find((s) => s.clientId === id),
		sessionsOfUser: (user) => sessions.filter((s) => s.username === user),
		setAccountDisabled: (user, value) => disabled.set(user, value),
	};
	return {store, disabled};
}

const alicePermissions: Permission[] = [
	{vhost: '/', configure: '.*', write: '.*', read: '.*'},
	{vhost: 'site a', configure: '^$', write: 'amq\\.topic', read: '.*'},
];

/** A broker with users alice (two MQTT clients, one AMQP connection) and bob. */
function brokerApi(): {api: FakeApi; permissions: Map<string, Permission[]>; open: Set<string>} {
	const permissions = new Map<string, Permission[]>([
		['alice', alicePermissions.map((p) => ({...p}))],
		['bob', [{vhost: '/', configure: '.*', write: '.*', read: '.*'}]],
	]);
	const open = new Set(['conn gw-1', 'conn gw-2', 'conn amqp']);
	const details: Record<string, object> = {
		'conn gw-1': {name: 'conn gw-1', protocol: 'MQTT 3.1.1', user: 'alice', client_properties: {client_id: 'gw-1'}},
		'conn gw-2': {name: 'conn gw-2', protocol: 'MQTT 3.1.1', user: 'alice', client_properties: {client_id: 'gw-2'}},
		'conn amqp': {name: 'conn amqp', protocol: 'AMQP 0-9-1', user: 'alice', client_properties: {product: 'app'}},
	};
	const api = fakeApi({
		'GET /api/whoami': () => ({status: 200, body: {name: 'monitor', tags: ['administrator']}}),
		'GET /api/permissions': () => ({status: 200, body: [...permissions].flatMap(([user, list]) => list.map((p) => ({user, ...p})))}),
		'GET /api/users/*': ({segments}) => {
			const [, , user, rest] = segments;
			if (!permissions.has(user)) return {status: 404, body: {error: 'Object Not Found', reason: 'Not Found'}};
			if (rest === 'permissions') return {status: 200, body: permissions.get(user)!.map((p) => ({user, ...p}))};
			return {status: 200, body: {name: user, tags: []}};
		},
		'DELETE /api/permissions/*': ({segments}) => {
			const [, , vhost, user] = segments;
			const list = permissions.get(user) ?? [];
			const kept = list.filter((p) => p.vhost !== vhost);
			permissions.set(user, kept);
			return {status: kept.length === list.length ? 404 : 204};
		},
		'PUT /api/permissions/*': ({segments, body}) => {
			const [, , vhost, user] = segments;
			const list = (permissions.get(user) ?? []).filter((p) => p.vhost !== vhost);
			list.push({vhost, ...(body as Omit<Permission, 'vhost'>)});
			permissions.set(user, list);
			return {status: 201};
		},
		'GET /api/connections/username/alice': () => ({status: 200, body: [...open].map((name) => ({name, user: 'alice'}))}),
		'GET /api/connections/*': ({segments}) => {
			const name = segments[2];
			return open.has(name) ? {status: 200, body: details[name]} : {status: 404, body: {error: 'Object Not Found'}};
		},
		'DELETE /api/connections/*': ({segments}) => {
			const name = segments[2];
			return {status: open.delete(name) ? 204 : 404};
		},
	});
	return {api, permissions, open};
}

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-rabbit-admin-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

function listed(clientId: string, user: string): MqttConnection {
	return {
		name: `conn ${clientId}`,
		clientId,
		user,
		vhost: '/',
		snapshot: {clientId, online: true, username: user, address: '127.0.0.1', port: 5000},
	};
}

async function admin(api: FakeApi, sessions: Session[], restoreFile = path.join(dir, 'state', 'rabbit-blocks.json')) {
	const {store, disabled} = fakeStore(sessions);
	const connections = new Map(sessions.filter((s) => s.status === 'online').map((s) => [s.clientId, listed(s.clientId, s.username!)]));
	let repolls = 0;
	const a = new RabbitAdmin({
		client: api.client,
		store,
		node: 'rabbit',
		connections: () => connections,
		repoll: async () => {
			repolls++;
		},
		restoreFile,
		operator: 'ops@console',
		confirmMs: 500,
		now: () => 1_800_000_000_000,
	});
	await a.probe();
	return {admin: a, disabled, restoreFile, repolls: () => repolls};
}

function asPlan(plan: ReturnType<RabbitAdmin['plan']>): ActionPlan {
	if ('refused' in plan) throw new Error(`refused: ${plan.refused}`);
	return plan;
}

const aliceSessions = () => [session('gw-1', 'alice'), session('gw-2', 'alice', {cleanSession: false}), session('cam', 'bob')];

describe('RabbitMQ admin: capabilities', () => {
	it('offers kick, block and unblock to an administrator, and says why the rest are not offered', async () => {
		const {api} = brokerApi();
		const {admin: a} = await admin(api, []);
		const caps = a.capabilities();
		for (const c of ['kick-client', 'kick-user', 'ban-user', 'unban', 'subscriptions'] as const) expect(caps.get(c)).toEqual({ok: true});
		for (const c of ['kick-takeover', 'ban-client', 'ban-address', 'traffic'] as const) {
			const state = caps.get(c)!;
			expect(state.ok).toBe(false);
			expect(!state.ok && state.why.length).toBeGreaterThan(10);
		}

		expect(a.plan('ban-client', {node: 'rabbit', by: 'client', value: 'x'})).toEqual({refused: expect.stringMatching(/block the user/)});
	});

	it('without the administrator tag, says so instead of failing at the broker', async () => {
		const {api} = brokerApi();
		api.routes.set('GET /api/whoami', () => ({status: 200, body: {name: 'watcher', tags: ['monitoring']}}));
		const {admin: a} = await admin(api, aliceSessions());
		const kick = a.capabilities().get('kick-client')!;
		expect(kick.ok).toBe(false);
		expect(!kick.ok && kick.why).toMatch(/'watcher' lacks the administrator tag/);
		const outcome = await a.perform(asPlan(a.plan('kick-client', {node: 'rabbit', by: 'client', value: 'gw-1'})));
		expect(outcome.result).toBe('failed');
		expect(api.requests.some((r) => r.method === 'DELETE')).toBe(false);
	});
});

describe('RabbitMQ admin: kick', () => {
	it('plans and closes exactly one client connection, with the operator in the broker’s reason', async () => {
		const {api, open} = brokerApi();
		const {admin: a, repolls} = await admin(api, aliceSessions());
		const plan = asPlan(a.plan('kick-client', {node: 'rabbit', by: 'client', value: 'gw-2'}));
		expect(plan.summary).toBe("closes client gw-2's connection from 127.0.0.1");
		expect(plan.notes.join(' ')).toMatch(/keeps this persistent \(clean session false\) session's queue/);
		expect(plan.persistent).toBe(true);
		expect(plan.affected.map((s) => s.clientId)).toEqual(['gw-2']);
		const outcome = await a.perform(plan);
		expect(outcome).toEqual({result: 'done', message: "closed client gw-2's connection", disconnected: ['gw-2']});
		expect([...open].sort()).toEqual(['conn amqp', 'conn gw-1']);
		const close = api.requests.find((r) => r.method === 'DELETE')!;
		expect(close.path).toBe('/api/connections/conn gw-2');
		expect(close.headers.get('x-reason')).toBe('mqtt-top: kicked by ops@console');
		expect(repolls()).toBe(1);
	});

	it('refuses to plan a kick of a client that is not connected', async () => {
		const {api} = brokerApi();
		const {admin: a} = await admin(api, [session('gw-9', 'alice', {status: 'offline'})]);
		expect(a.plan('kick-client', {node: 'rabbit', by: 'client', value: 'gw-9'})).toEqual({
			refused: 'client gw-9 is not connected: nothing to close',
		});
	});

	it('reports unknown, not done, when the broker keeps listing the connection', async () => {
		const {api} = brokerApi();
		api.routes.set('DELETE /api/connections/*', () => ({status: 204}));
		const {admin: a} = await admin(api, aliceSessions());
		const outcome = await a.perform(asPlan(a.plan('kick-client', {node: 'rabbit', by: 'client', value: 'gw-1'})));
		expect(outcome.result).toBe('unknown');
		expect(outcome.message).toMatch(/still lists it/);
	});

	it('kicks every MQTT connection of a user and leaves its AMQP connection', async () => {
		const {api, open} = brokerApi();
		const {admin: a} = await admin(api, aliceSessions());
		const plan = asPlan(a.plan('kick-user', {node: 'rabbit', by: 'user', value: 'alice'}));
		expect(plan.summary).toBe('closes every MQTT connection of user alice: disconnects 2 sessions: gw-1, gw-2');
		const outcome = await a.perform(plan);
		expect(outcome.result).toBe('done');
		expect(outcome.disconnected.sort()).toEqual(['gw-1', 'gw-2']);
		expect([...open]).toEqual(['conn amqp']);
	});
});

describe('RabbitMQ admin: block and unblock', () => {
	it('plans a block naming the vhosts, the sessions and that every protocol loses access', async () => {
		const {api} = brokerApi();
		const {admin: a, restoreFile} = await admin(api, aliceSessions());
		const plan = asPlan(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'alice'}));
		expect(plan.summary).toBe('blocks user alice: removes its permissions on vhosts /, site a; disconnects 2 sessions: gw-1, gw-2');
		expect(plan.notes.join('\n')).toMatch(/AMQP and STOMP too/);
		expect(plan.notes.join('\n')).toContain(restoreFile);
	});

	it('saves the permissions (0600 in a 0700 directory) before removing them, closes the MQTT clients, and unblock restores them', async () => {
		const {api, permissions, open} = brokerApi();
		const {admin: a, disabled, restoreFile} = await admin(api, aliceSessions());
		const outcome = await a.perform(asPlan(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'alice'})));
		expect(outcome.result).toBe('done');
		expect(outcome.message).toBe('blocked user alice: removed its permissions on /, site a; closed 2 MQTT connections: gw-1, gw-2');
		expect(permissions.get('alice')).toEqual([]);
		expect([...open]).toEqual(['conn amqp']);
		expect(disabled.get('alice')).toBe(true);
		expect(statSync(restoreFile).mode & 0o777).toBe(0o600);
		expect(statSync(path.dirname(restoreFile)).mode & 0o777).toBe(0o700);
		const saved = await readBlocks(restoreFile, 'rabbit');
		expect(saved.blocks).toEqual([{user: 'alice', blockedAt: 1_800_000_000_000, by: 'ops@console', permissions: alicePermissions}]);
		// The file was written before the first permission went.
		const firstDelete = api.requests.findIndex((r) => r.method === 'DELETE' && r.path.startsWith('/api/permissions/'));
		expect(firstDelete).toBeGreaterThan(api.requests.findIndex((r) => r.path === '/api/users/alice/permissions'));

		expect(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'alice'})).toEqual({
			refused: 'user alice is already blocked by mqtt-top (since 2027-01-15T08:00:00.000Z)',
		});
		const unban = asPlan(a.plan('unban', {node: 'rabbit', by: 'user', value: 'alice'}));
		expect(unban.summary).toBe(
			'unblocks user alice: restores its permissions on vhosts /, site a (saved 2027-01-15T08:00:00.000Z by ops@console)',
		);
		const restored = await a.perform(unban);
		expect(restored).toEqual({result: 'done', message: 'unblocked user alice: restored its permissions on /, site a', disconnected: []});
		expect(permissions.get('alice')!.sort((x, y) => x.vhost.localeCompare(y.vhost))).toEqual(alicePermissions);
		expect((await readBlocks(restoreFile, 'rabbit')).blocks).toEqual([]);
		expect(disabled.get('alice')).toBe(false);
	});

	it('removes nothing when the restore file cannot be written', async () => {
		const {api, permissions, open} = brokerApi();
		// A regular file where the state directory should be: mkdir fails (even for root).
		writeFileSync(path.join(dir, 'state'), 'not a directory');
		const {admin: a, disabled} = await admin(api, aliceSessions(), path.join(dir, 'state', 'mqtt-top', 'rabbit-blocks.json'));
		const outcome = await a.perform(asPlan(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'alice'})));
		expect(outcome.result).toBe('failed');
		expect(outcome.message).toMatch(/^cannot write .*rabbit-blocks\.json: (ENOTDIR|EEXIST)/);
		expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
		expect(permissions.get('alice')).toEqual(alicePermissions);
		expect(open.size).toBe(3);
		expect(disabled.has('alice')).toBe(false);
	});

	it('refuses users the broker does not know and users with nothing to remove, touching nothing', async () => {
		const {api, permissions} = brokerApi();
		permissions.set('bob', []);
		const {admin: a, restoreFile} = await admin(api, aliceSessions());
		const ghost = await a.perform(asPlan(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'ghost'})));
		expect(ghost).toMatchObject({result: 'failed', message: 'RabbitMQ has no user ghost'});
		const bob = await a.perform(asPlan(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'bob'})));
		expect(bob.result).toBe('failed');
		expect(bob.message).toMatch(/no permissions on any vhost/);
		expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
		expect((await readBlocks(restoreFile, 'rabbit')).blocks).toEqual([]);
		expect(a.plan('unban', {node: 'rabbit', by: 'user', value: 'bob'})).toEqual({
			refused: 'user bob was not blocked by mqtt-top on this node: nothing to restore',
		});
	});

	it('refuses to block the account mqtt-top itself uses', async () => {
		const {api} = brokerApi();
		const {admin: a} = await admin(api, []);
		expect(a.plan('ban-user', {node: 'rabbit', by: 'user', value: 'monitor'})).toEqual({
			refused: expect.stringMatching(/^monitor is the account mqtt-top itself uses/),
		});
	});

	it('a second admin (a new mqtt-top) reads the blocks from the file, shows them blocked, and can unblock', async () => {
		const {api, permissions} = brokerApi();
		const first = await admin(api, aliceSessions());
		await first.admin.perform(asPlan(first.admin.plan('ban-user', {node: 'rabbit', by: 'user', value: 'alice'})));
		const second = await admin(api, [], first.restoreFile);
		expect(second.disabled.get('alice')).toBe(true);
		const outcome = await second.admin.perform(asPlan(second.admin.plan('unban', {node: 'rabbit', by: 'user', value: 'alice'})));
		expect(outcome.result).toBe('done');
		expect(permissions.get('alice')).toHaveLength(2);
	});

	it('never replaces a restore file it cannot read', async () => {
		const {api} = brokerApi();
		const restoreFile = path.join(dir, 'blocks.json');
		writeFileSync(restoreFile, '{"version": 1, "blocks": [{"user": ');
		const {store} = fakeStore([]);
		const a = new RabbitAdmin({
			client: api.client,
			store,
			node: 'rabbit',
			connections: () => new Map(),
			repoll: async () => {},
			restoreFile,
			operator: 'ops@console',
		});
		await expect(a.probe()).rejects.toThrow(/is not a restore file mqtt-top can read/);
		expect(readFileSync(restoreFile, 'utf8')).toBe('{"version": 1, "blocks": [{"user": ');
	});
});
