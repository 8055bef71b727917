// The EMQX 5 driver against a fake EMQX that answers as emqx/emqx@v5.8.9 does (see
// test/fakes/emqx.ts for where each shape comes from). Not a live broker: none can be installed here.
import {afterEach, describe, expect, test} from 'vitest';
import type {ActionPlan, BrokerNode, Capability, Target} from '../../../source/broker/driver.js';
import {openEmqx, type EmqxOpenOptions} from '../../../source/broker/emqx/driver.js';
import {buildConfig, type Config} from '../../../source/config.js';
import {ExitCode, UserError} from '../../../source/errors.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {freePort} from '../../../source/util/free-port.js';
import {FakeEmqx} from '../../fakes/emqx.js';
import {RecordingSink} from '../../fakes/sink.js';

let fake: FakeEmqx;

function hasControl(text: string): boolean {
	return [...text].some((c) => c.charCodeAt(0) < 0x20);
}
let node: BrokerNode | undefined;

/** A plan the driver makes (a refusal fails the test with its reason). */
function planOf(opened: BrokerNode, capability: Capability, target: Target): ActionPlan {
	const plan = opened.admin.plan(capability, target);
	if ('refused' in plan) throw new Error(`refused: ${plan.refused}`);
	return plan;
}

afterEach(async () => {
	await node?.close();
	node = undefined;
	await fake?.stop();
});

function configFor(server: FakeEmqx, overrides: Partial<Config> = {}): Config {
	return {
		...buildConfig({username: server.apiKey, password: server.apiSecret}),
		brokerType: 'emqx',
		apiUrl: server.url,
		node: 'emqx-a',
		...overrides,
	};
}

async function open(overrides: Partial<Config> = {}, options: EmqxOpenOptions = {}) {
	const store = new SessionStore({node: 'emqx-a'});
	const sink = new RecordingSink(store);
	node = await openEmqx(configFor(fake, overrides), store, {sink, intervalMs: 60_000, ...options});
	return {store, sink, node};
}

async function openFails(config: Config): Promise<UserError> {
	const error = await openEmqx(config, new SessionStore(), {sink: new RecordingSink(), intervalMs: 60_000, timeoutMs: 2000}).then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(UserError);
	return error as UserError;
}

describe('listing', () => {
	test('every documented field lands in the snapshot: protocol from proto_ver, username, address, port, connected-at, queued', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'v31', proto_ver: 3, username: 'old', ip_address: '10.0.0.3', port: 40003, mqueue_len: 0});
		fake.add({
			clientid: 'v311',
			proto_ver: 4,
			username: 'alice',
			ip_address: '10.0.0.4',
			port: 40004,
			clean_start: false,
			expiry_interval: 7200,
		});
		fake.add({
			clientid: 'v5',
			proto_ver: 5,
			ip_address: '10.0.0.5',
			port: 40005,
			mqueue_len: 17,
			connected_at: '2026-12-02T09:00:00.000+01:00',
		});
		fake.add({clientid: 'asleep', proto_ver: 4, connected: false, clean_start: false, expiry_interval: 7200, mqueue_len: 3});
		const {sink, store} = await open();

		const last = sink.calls.at(-1)!;
		expect(last.complete).toBe(true);
		const v31 = sink.listed.get('v31')!;
		expect(v31).toMatchObject({protocol: '3.1', username: 'old', address: '10.0.0.3', port: 40003, online: true, queued: 0});
		expect(sink.listed.get('v311')).toMatchObject({protocol: '3.1.1', username: 'alice', cleanSession: false, port: 40004});
		expect(sink.listed.get('v5')).toMatchObject({protocol: '5.0', username: undefined, queued: 17, connectedAt: Date.UTC(2026, 11, 2, 8)});
		expect(sink.listed.get('asleep')).toMatchObject({online: false, queued: 3});
		expect(store.broker.connected).toBe(3);
		expect(store.broker.total).toBe(4);
		expect(node!.connection().state).toBe('connected');
		expect(node!.url).toBe(fake.url);
	});

	test('the API key and secret go as HTTP basic auth, and the base URL may be given without /api/v5', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'one'});
		const {sink} = await open({apiUrl: fake.url.replace(/\/api\/v5$/, '')});
		expect(sink.listed.has('one')).toBe(true);
		expect(fake.requests[0].url).toMatch(/^\/api\/v5\/clients\?page=1&limit=\d+$/);
	});

	test('pages until hasnext is false; only the last page completes the round', async () => {
		fake = await new FakeEmqx().start();
		for (let i = 0; i < 5; i++) fake.add({clientid: `c${i}`});
		const {sink} = await open({}, {pageLimit: 2});
		expect(sink.calls.map((c) => [c.page.map((s) => s.clientId), c.complete])).toEqual([
			[['c0', 'c1'], false],
			[['c2', 'c3'], false],
			[['c4'], true],
		]);
		expect(fake.requests.filter((r) => r.url.startsWith('/api/v5/clients?')).map((r) => r.url)).toEqual([
			'/api/v5/clients?page=1&limit=2',
			'/api/v5/clients?page=2&limit=2',
			'/api/v5/clients?page=3&limit=2',
		]);
	});

	test('subscriptions are read for clients that have some, and again only when the count or connection changes', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'sub', subscriptions: {'home/+/temp': 1, '$share/g/jobs': 2}});
		fake.add({clientid: 'none'});
		const {sink, node: opened} = await open();
		expect([...sink.listed.get('sub')!.subscriptions!]).toEqual([
			['home/+/temp', 1],
			['$share/g/jobs', 2],
		]);
		// Known to have none, without asking.
		expect(sink.listed.get('none')!.subscriptions?.size).toBe(0);
		const asked = () => fake.requests.filter((r) => r.url.endsWith('/subscriptions')).map((r) => r.url);
		expect(asked()).toEqual(['/api/v5/clients/sub/subscriptions']);

		await opened.admin.refresh();
		expect(asked()).toHaveLength(1);
		// Unchanged and not read again: undefined tells the store to keep what it has.
		expect(sink.listed.get('sub')!.subscriptions).toBeUndefined();

		fake.clients.get('sub')!.subscriptions.set('alarms/#', 0);
		await opened.admin.refresh();
		expect(asked()).toHaveLength(2);
		expect(sink.listed.get('sub')!.subscriptions!.get('alarms/#')).toBe(0);
	});

	test('a client that leaves is not in the next complete round', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'stays'});
		fake.add({clientid: 'leaves'});
		const {sink, node: opened} = await open();
		fake.remove('leaves');
		await opened.admin.refresh();
		expect([...sink.listed.keys()]).toEqual(['stays']);
	});
});

describe('a broken round', () => {
	test('a 500 leaves the rows as they were, never completes, and marks the node reconnecting', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01'});
		const {sink, node: opened} = await open();
		const completed = sink.calls.filter((c) => c.complete).length;
		fake.failNext = 1;
		const before = Date.now();
		await opened.admin.refresh();
		expect(sink.calls.filter((c) => c.complete).length).toBe(completed);
		expect(sink.listed.has('gw-01')).toBe(true);
		const state = opened.connection();
		expect(state.state).toBe('reconnecting');
		expect(state.lostAt).toBeGreaterThanOrEqual(before);
		expect(state.attempts).toBe(0);
		expect(state.retryAt).toBeGreaterThan(state.lostAt!);
		expect(state.detail).toMatch(/answered 500: INTERNAL_ERROR/);
		expect(state.detail).not.toContain('\n');

		await opened.admin.refresh();
		expect(opened.connection().state).toBe('connected');
	});

	test('a broker that goes down: reconnecting with the attempts counted, then live again when it is back', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01'});
		const {sink, node: opened} = await open();
		const changes: string[] = [];
		opened.onConnectionChange((s) => changes.push(s.state));
		await fake.stop();
		await opened.admin.refresh();
		await opened.admin.refresh();
		const state = opened.connection();
		expect(state.state).toBe('reconnecting');
		expect(state.attempts).toBe(1);
		expect(state.detail).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/v5: ECONNREFUSED$/);
		expect(sink.listed.has('gw-01')).toBe(true);
		await fake.start();
		await opened.admin.refresh();
		expect(opened.connection().state).toBe('connected');
		expect(changes).toContain('connected');
	});

	test('a stalled answer times out as a failed round, never a hang', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01'});
		const {node: opened} = await open({}, {timeoutMs: 300});
		fake.stallMatching = /\/clients$/;
		await opened.admin.refresh();
		expect(opened.connection().state).toBe('reconnecting');
		expect(opened.connection().detail).toMatch(/did not answer within 0\.3 s/);
	});

	test('polls on its own every interval and completes rounds', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01'});
		const {sink} = await open({}, {intervalMs: 100});
		const rounds = sink.rounds;
		await new Promise((resolve) => setTimeout(resolve, 450));
		expect(sink.rounds).toBeGreaterThanOrEqual(rounds + 2);
	});
});

describe('first contact', () => {
	test('a wrong secret is one line saying what to check, exit code 4', async () => {
		fake = await new FakeEmqx().start();
		const error = await openFails({...configFor(fake), password: 'wrong'});
		expect(error.exitCode).toBe(ExitCode.credentials);
		expect(error.message).toMatch(/refused the API key \(BAD_API_KEY_OR_SECRET\): check -u KEY and -P SECRET$/);
		expect(error.message).not.toContain('\n');
	});

	test('no API key at all is the same credentials error', async () => {
		fake = await new FakeEmqx().start();
		const error = await openFails({...configFor(fake), username: undefined, password: undefined});
		expect(error.exitCode).toBe(ExitCode.credentials);
		expect(error.message).toContain('AUTHORIZATION_HEADER_ERROR');
	});

	test('nothing listening is exit code 3', async () => {
		fake = await new FakeEmqx().start();
		const port = await freePort();
		const error = await openFails({...configFor(fake), apiUrl: `http://127.0.0.1:${port}`});
		expect(error.exitCode).toBe(ExitCode.unreachable);
		expect(error.message).toBe(`cannot reach http://127.0.0.1:${port}/api/v5: ECONNREFUSED`);
	});

	test('no --api-url is a usage error naming the flag', async () => {
		fake = await new FakeEmqx().start();
		const error = await openFails({...configFor(fake), apiUrl: undefined});
		expect(error.exitCode).toBe(ExitCode.usage);
		expect(error.message).toMatch(/--broker-type emqx needs --api-url/);
	});

	test('the display URL never carries credentials', async () => {
		fake = await new FakeEmqx().start();
		const withKey = fake.url.replace('http://', `http://${fake.apiKey}:${fake.apiSecret}@`);
		const {sink, node: opened} = await open({apiUrl: withKey, username: undefined, password: undefined});
		expect(sink.listed.size).toBe(0);
		expect(opened.url).toBe(fake.url);
		expect(opened.url).not.toContain(fake.apiSecret);
	});
});

describe('actions', () => {
	test('kick: the plan names the will message and the discarded session; EMQX and the next listing confirm it', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01', username: 'alice', will: 'gw-01 offline', proto_ver: 4, clean_start: true});
		fake.add({clientid: 'gw-02', username: 'alice'});
		const {sink, node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: 'gw-01'});
		expect(plan.summary).toBe('kicks client ID gw-01: disconnects it now');
		expect(plan.notes.join(' ')).toMatch(/will message/);
		expect(plan.notes.join(' ')).toMatch(/clean session: nothing is lost/);
		expect(plan.destructive).toBe(false);
		expect(plan.affected.map((s) => s.clientId)).toEqual(['gw-01']);

		const outcome = await opened.admin.perform(plan);
		expect(outcome).toEqual({result: 'done', message: 'kicked client ID gw-01', disconnected: ['gw-01']});
		expect(fake.wills).toEqual([{clientid: 'gw-01', will: 'gw-01 offline'}]);
		expect(sink.listed.has('gw-01')).toBe(false);
		expect(sink.listed.has('gw-02')).toBe(true);
	});

	test('kicking a persistent session is destructive: its queue goes too', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'keeper', proto_ver: 5, clean_start: false, expiry_interval: 86_400, mqueue_len: 40});
		const {node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: 'keeper'});
		expect(plan.destructive).toBe(true);
		expect(plan.persistent).toBe(true);
		expect(plan.notes.join(' ')).toMatch(/queued messages and subscriptions, even a persistent one/);
	});

	test('kicking a client EMQX does not know fails with its 404 in words', async () => {
		fake = await new FakeEmqx().start();
		const {node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: 'ghost'});
		expect(plan.destructive).toBe(true); // never listed: unknown counts as persistent
		const outcome = await opened.admin.perform(plan);
		expect(outcome).toEqual({result: 'failed', message: 'EMQX has no client ghost: it has already gone', disconnected: []});
	});

	test('a username ban disconnects nobody: the dialog says so and the live session stays online', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01', username: 'alice'});
		fake.add({clientid: 'gw-02', username: 'alice'});
		const {sink, store, node: opened} = await open();
		const plan = planOf(opened, 'ban-user', {node: 'emqx-a', by: 'user', value: 'alice'});
		expect(plan.affected).toEqual([]);
		expect(plan.summary).toBe('bans username alice: EMQX refuses new connections; 2 sessions stay online: gw-01, gw-02');
		expect(plan.notes).toEqual([
			'EMQX does NOT disconnect live sessions for a username ban: kick them (or ban their client IDs) to end them',
		]);

		const outcome = await opened.admin.perform(plan);
		expect(outcome.result).toBe('done');
		expect(outcome.disconnected).toEqual([]);
		expect(fake.bans.map((b) => [b.as, b.who, b.by])).toEqual([['username', 'alice', 'mqtt-top']]);
		// Still connected on the broker, and listed online by the round after the ban.
		expect(fake.clients.get('gw-01')!.seed.connected ?? true).toBe(true);
		expect(sink.listed.get('gw-01')!.online).toBe(true);
		expect(sink.listed.get('gw-02')!.online).toBe(true);
		// The ban is an account the store knows as disabled (for unblock and blocked rows).
		expect(store.accounts.get('alice')).toEqual({username: 'alice', disabled: true});
		// The store may show the row blocked; plans go by EMQX's listing, where it is still connected.
		const kick = planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: 'gw-01'});
		expect(kick.summary).toBe('kicks client ID gw-01: disconnects it now');
		expect(kick.affected.map((s) => s.clientId)).toEqual(['gw-01']);
		expect(planOf(opened, 'ban-user', {node: 'emqx-a', by: 'user', value: 'alice'}).summary).toMatch(/2 sessions stay online/);
	});

	test('an address ban disconnects nobody either', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'cam-1', ip_address: '10.0.0.9'});
		const {sink, node: opened} = await open();
		const plan = planOf(opened, 'ban-address', {node: 'emqx-a', by: 'address', value: '10.0.0.9'});
		expect(plan.summary).toBe('bans address 10.0.0.9: EMQX refuses new connections; 1 session stays online: cam-1');
		expect(plan.notes[0]).toBe(
			'EMQX does NOT disconnect live sessions for an address ban: kick them (or ban their client IDs) to end them',
		);
		expect((await opened.admin.perform(plan)).result).toBe('done');
		expect(sink.listed.get('cam-1')!.online).toBe(true);
		expect(fake.bans[0]).toMatchObject({as: 'peerhost', who: '10.0.0.9'});
	});

	test('a client-ID ban kicks the live session, and the dialog says only this kind does', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01', will: 'bye'});
		const {sink, node: opened} = await open();
		const plan = planOf(opened, 'ban-client', {node: 'emqx-a', by: 'client', value: 'gw-01'});
		expect(plan.summary).toBe('bans client ID gw-01: disconnects it now, and EMQX refuses it until the ban is lifted');
		expect(plan.notes[0]).toBe('only a client-ID ban disconnects a live session; username and address bans do not');
		const outcome = await opened.admin.perform(plan);
		expect(outcome).toEqual({result: 'done', message: 'banned client ID gw-01', disconnected: ['gw-01']});
		expect(sink.listed.has('gw-01')).toBe(false);
		expect(fake.wills).toHaveLength(1);
	});

	test('unban lifts the ban of the same kind; one that does not exist fails in words', async () => {
		fake = await new FakeEmqx().start();
		const {store, node: opened} = await open();
		await opened.admin.perform(planOf(opened, 'ban-user', {node: 'emqx-a', by: 'user', value: 'alice'}));
		expect(store.accounts.get('alice')?.disabled).toBe(true);
		const plan = planOf(opened, 'unban', {node: 'emqx-a', by: 'user', value: 'alice'});
		expect(plan.summary).toBe('lifts the ban on username alice: EMQX accepts it again');
		expect(plan.notes).toEqual([]);
		expect(await opened.admin.perform(plan)).toEqual({result: 'done', message: 'lifted the ban on username alice', disconnected: []});
		expect(fake.bans).toEqual([]);
		expect(store.accounts.get('alice')?.disabled).not.toBe(true);

		const none = planOf(opened, 'unban', {node: 'emqx-a', by: 'address', value: '10.1.1.1'});
		expect(none.notes[0]).toMatch(/listed no ban on address 10\.1\.1\.1/);
		expect(await opened.admin.perform(none)).toEqual({result: 'failed', message: 'EMQX has no ban on address 10.1.1.1', disconnected: []});
	});

	test('bans made elsewhere are read at every round', async () => {
		fake = await new FakeEmqx().start();
		const {store, node: opened} = await open();
		fake.bans.push({as: 'username', who: 'mallory', by: 'dashboard', reason: '', at: '2026-12-02T10:00:00+00:00', until: 'infinity'});
		await opened.admin.refresh();
		expect(store.accounts.get('mallory')?.disabled).toBe(true);
	});

	test('capabilities: kick by username, takeover and traffic are unavailable, each with a one-line why', async () => {
		fake = await new FakeEmqx().start();
		const {node: opened} = await open();
		const caps = opened.admin.capabilities();
		for (const c of ['kick-client', 'ban-client', 'ban-user', 'ban-address', 'unban', 'subscriptions'] as const)
			expect(caps.get(c)).toEqual({ok: true});
		for (const c of ['kick-user', 'kick-takeover', 'traffic'] as const) {
			const state = caps.get(c)!;
			expect(state.ok).toBe(false);
			expect(!state.ok && state.why).toMatch(/^[^\n]{10,}$/);
		}
	});

	test('--read-only leaves no action', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01'});
		const {node: opened} = await open({readOnly: true});
		expect(opened.admin.capabilities().get('kick-client')).toEqual({ok: false, why: 'mqtt-top runs with --read-only'});
		expect(opened.admin.plan('kick-client', {node: 'emqx-a', by: 'client', value: 'gw-01'})).toEqual({
			refused: 'mqtt-top runs with --read-only',
		});
		expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
	});

	test('a target of the wrong kind, and subscriptions (read by the listing), are refused with a reason', async () => {
		fake = await new FakeEmqx().start();
		const {node: opened} = await open();
		expect(opened.admin.plan('ban-user', {node: 'emqx-a', by: 'client', value: 'gw-01'})).toEqual({
			refused: 'ban-user takes a username, not a client',
		});
		expect(opened.admin.plan('kick-user', {node: 'emqx-a', by: 'user', value: 'alice'})).toEqual({
			refused: expect.stringMatching(/^EMQX 5 has no kick by username/),
		});
		expect(opened.admin.plan('subscriptions', {node: 'emqx-a', by: 'client', value: 'gw-01'})).toEqual({
			refused: 'subscriptions: not an action',
		});
	});

	test('a key that may only read: the kick fails saying so (403 UNAUTHORIZED_ROLE)', async () => {
		fake = await new FakeEmqx({role: 'viewer'}).start();
		fake.add({clientid: 'gw-01'});
		const {node: opened} = await open();
		const outcome = await opened.admin.perform(planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: 'gw-01'}));
		expect(outcome.result).toBe('failed');
		expect(outcome.message).toMatch(/UNAUTHORIZED_ROLE/);
		expect(fake.clients.has('gw-01')).toBe(true);
	});

	test('no answer to a kick is unknown, never failed: EMQX may have done it', async () => {
		fake = await new FakeEmqx().start();
		fake.add({clientid: 'gw-01'});
		const {node: opened} = await open({}, {timeoutMs: 300});
		fake.stallMatching = /\/clients\/gw-01$/;
		const outcome = await opened.admin.perform(planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: 'gw-01'}));
		expect(outcome.result).toBe('unknown');
		expect(outcome.message).toMatch(/no answer .*it may have been carried out/);
	});
});

describe('hostile client IDs', () => {
	test('slashes, query marks, percent signs and spaces reach EMQX as one path segment', async () => {
		fake = await new FakeEmqx().start();
		const id = 'a/b?c=d#e %2F f';
		fake.add({clientid: id, subscriptions: {'x/y': 1}});
		fake.add({clientid: 'a'});
		const {sink, node: opened} = await open();
		expect(sink.listed.get(id)!.subscriptions!.get('x/y')).toBe(1);
		const outcome = await opened.admin.perform(planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: id}));
		expect(outcome.result).toBe('done');
		expect(fake.clients.has(id)).toBe(false);
		expect(fake.clients.has('a')).toBe(true);
	});

	test('terminal escapes in IDs and usernames never reach a dialog raw', async () => {
		fake = await new FakeEmqx().start();
		const id = 'evil\u001b]0;owned\u0007\u001b[2J';
		fake.add({clientid: id, username: 'u\u001b[31m'});
		const {node: opened} = await open();
		const kick = planOf(opened, 'kick-client', {node: 'emqx-a', by: 'client', value: id});
		const ban = planOf(opened, 'ban-user', {node: 'emqx-a', by: 'user', value: 'u\u001b[31m'});
		for (const text of [kick.summary, ...kick.notes, ban.summary, ...ban.notes]) expect(hasControl(text)).toBe(false);
		expect(kick.summary).toContain('evil\\x1b]0;owned\\x07\\x1b[2J');
		const outcome = await opened.admin.perform(kick);
		expect(hasControl(outcome.message)).toBe(false);
		expect(fake.clients.has(id)).toBe(false);
	});
});
