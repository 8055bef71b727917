// The VerneMQ driver against a fake VerneMQ HTTP API that answers as vernemq/vernemq@2.2.0 does
// (see test/fakes/vernemq.ts for where each shape comes from). Not a live broker.
import {afterEach, describe, expect, test} from 'vitest';
import type {ActionPlan, BrokerNode, Capability, Target} from '../../../source/broker/driver.js';
import {openVernemq, type VernemqOpenOptions} from '../../../source/broker/vernemq/driver.js';
import {buildConfig, type Config} from '../../../source/config.js';
import {ExitCode, UserError} from '../../../source/errors.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {FakeVernemq} from '../../fakes/vernemq.js';
import {RecordingSink} from '../../fakes/sink.js';

let fake: FakeVernemq;
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

function configFor(server: FakeVernemq, overrides: Partial<Config> = {}): Config {
	return {...buildConfig({username: server.apiKey}), brokerType: 'vernemq', apiUrl: server.url, node: 'verne-a', ...overrides};
}

async function open(overrides: Partial<Config> = {}, options: VernemqOpenOptions = {}) {
	const store = new SessionStore({node: 'verne-a'});
	const sink = new RecordingSink(store);
	node = await openVernemq(configFor(fake, overrides), store, {sink, intervalMs: 60_000, ...options});
	return {store, sink, node};
}

const showRequests = () => fake.requests.filter((r) => r.url.startsWith('/api/v1/session/show')).map((r) => decodeURIComponent(r.url));

describe('listing', () => {
	test('sessions with protocol, username, address, port, connected-at, queued; persistent offline ones listed offline', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'v31', protocol: 3, user: 'old', peer_host: '10.0.0.3', peer_port: 40003, session_started_at: 1_764_655_200_000});
		fake.add({
			client_id: 'v311',
			protocol: 4,
			user: 'alice',
			peer_host: '10.0.0.4',
			peer_port: 40004,
			clean_session: false,
			online_messages: 4,
		});
		fake.add({client_id: 'v5', protocol: 5, peer_host: '10.0.0.5', peer_port: 40005});
		fake.add({client_id: 'asleep', protocol: 4, is_online: false, clean_session: false, offline_messages: 12});
		const {sink, store} = await open();

		expect(sink.calls).toHaveLength(1);
		expect(sink.calls[0].complete).toBe(true);
		expect(sink.listed.get('v31')).toMatchObject({
			protocol: '3.1',
			username: 'old',
			address: '10.0.0.3',
			port: 40003,
			connectedAt: 1_764_655_200_000,
			online: true,
		});
		expect(sink.listed.get('v311')).toMatchObject({protocol: '3.1.1', username: 'alice', cleanSession: false, queued: 4});
		expect(sink.listed.get('v5')).toMatchObject({protocol: '5.0', username: undefined});
		expect(sink.listed.get('asleep')).toMatchObject({online: false, queued: 12, address: undefined});
		expect(store.broker.connected).toBe(3);
		expect(store.broker.total).toBe(4);
	});

	test('asks for its columns, a raised --limit and --rowtimeout, with the API key as basic-auth username', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'one'});
		await open({apiUrl: fake.url.replace(/\/api\/v1$/, '')});
		const [sessions, subscriptions] = showRequests();
		expect(sessions).toMatch(
			/^\/api\/v1\/session\/show\?--client_id&--mountpoint&--node&--is_online&--user&.*&--limit=10000&--rowtimeout=1000$/,
		);
		expect(subscriptions).toMatch(/--topic&--qos&--limit=10000/);
	});

	test('subscriptions come from one more query, and a session with none gets an empty set (not "unknown")', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'client1', subscriptions: {'some/topic': 1, 'some/other/topic': 0}});
		fake.add({client_id: 'quiet'});
		const {sink} = await open();
		expect([...sink.listed.get('client1')!.subscriptions!]).toEqual([
			['some/topic', 1],
			['some/other/topic', 0],
		]);
		expect(sink.listed.get('quiet')!.subscriptions!.size).toBe(0);
		// Both sessions are listed even though asking for topics drops sessions without one.
		expect(sink.listed.size).toBe(2);
	});

	test('a fleet bigger than the limit on a node: the limit is raised until the node no longer fills it', async () => {
		fake = await new FakeVernemq().start();
		for (let i = 0; i < 25; i++) fake.add({client_id: `c${i}`, node: i < 20 ? 'n1@host' : 'n2@host'});
		const {sink, node: opened} = await open({}, {initialLimit: 5});
		expect(sink.listed.size).toBe(25);
		const limits = showRequests().map((u) => Number(/--limit=(\d+)/.exec(u)![1]));
		// Sessions: 5 (n1 full) → 20 (n1 full again) → 80; subscriptions (none): 5 is enough.
		expect(limits).toEqual([5, 20, 80, 5]);
		await opened.admin.refresh();
		expect(
			showRequests()
				.map((u) => Number(/--limit=(\d+)/.exec(u)![1]))
				.slice(4),
		).toEqual([80, 5]);
	});

	test('a session that ends is not in the next round', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'stays'});
		fake.add({client_id: 'leaves'});
		const {sink, node: opened} = await open();
		fake.sessions.splice(1, 1);
		await opened.admin.refresh();
		expect([...sink.listed.keys()]).toEqual(['stays']);
	});
});

describe('a broken round', () => {
	test('a 500 keeps the rows, completes nothing and marks the node reconnecting; the next good round makes it live', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'gw-01'});
		const {sink, node: opened} = await open();
		fake.failNext = 1;
		await opened.admin.refresh();
		expect(sink.calls).toHaveLength(1);
		expect(sink.listed.has('gw-01')).toBe(true);
		expect(opened.connection()).toMatchObject({state: 'reconnecting', attempts: 0});
		expect(opened.connection().detail).toMatch(/answered 500/);
		await opened.admin.refresh();
		expect(opened.connection().state).toBe('connected');
	});

	test('the subscription query failing fails the round too: nothing half-read is completed', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'gw-01', subscriptions: {a: 1}});
		const {sink, node: opened} = await open();
		fake.add({client_id: 'new'});
		fake.failMatching = /--topic/;
		await opened.admin.refresh();
		expect(opened.connection().state).toBe('reconnecting');
		expect(sink.calls).toHaveLength(1);
		expect(sink.listed.has('new')).toBe(false);
		fake.failMatching = undefined;
		await opened.admin.refresh();
		expect(sink.listed.has('new')).toBe(true);
	});

	test('a stalled API times out as a failed round', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'gw-01'});
		const {node: opened} = await open({}, {timeoutMs: 300});
		fake.stallMatching = /session\/show/;
		await opened.admin.refresh();
		expect(opened.connection().state).toBe('reconnecting');
		expect(opened.connection().detail).toMatch(/did not answer within 0\.3 s/);
	});
});

describe('first contact', () => {
	test('a wrong API key is one line naming what to check, exit code 4', async () => {
		fake = await new FakeVernemq().start();
		const error = await openVernemq(configFor(fake, {username: 'nope'}), new SessionStore(), {sink: new RecordingSink()}).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).exitCode).toBe(ExitCode.credentials);
		expect((error as UserError).message).toBe(`${fake.url} refused the API key: check -u API_KEY (vmq-admin api-key show; scope mgmt)`);
	});

	test('an API that is not VerneMQ (no /api/v1 table) is said so, not taken as an empty broker', async () => {
		fake = await new FakeVernemq().start();
		const error = await openVernemq(configFor(fake, {apiUrl: fake.url.replace('/api/v1', '/other')}), new SessionStore(), {
			sink: new RecordingSink(),
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toMatch(/refused session show \(404\)/);
	});
});

describe('kick', () => {
	test('an online clean session: disconnect without --cleanup, confirmed by the next listing', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'gw-01', user: 'alice', protocol: 4, clean_session: true});
		const {sink, node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: 'gw-01'});
		expect(plan.summary).toBe('kicks client ID gw-01: disconnects it now');
		expect(plan.destructive).toBe(false);
		expect(plan.affected.map((s) => s.clientId)).toEqual(['gw-01']);
		const outcome = await opened.admin.perform(plan);
		expect(outcome).toEqual({result: 'done', message: 'kicked client ID gw-01', disconnected: ['gw-01']});
		const request = fake.requests.find((r) => r.url.includes('session/disconnect'))!;
		expect(request.url).toBe('/api/v1/session/disconnect?client-id=gw-01');
		expect(sink.listed.has('gw-01')).toBe(false);
	});

	test('an online persistent session is kicked without --cleanup: it stays, offline, with its queue', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'keeper', clean_session: false, protocol: 4, offline_messages: 3});
		const {sink, node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: 'keeper'});
		expect(plan.destructive).toBe(false);
		expect(plan.notes[0]).toMatch(/stays on VerneMQ, offline, queueing messages/);
		expect((await opened.admin.perform(plan)).result).toBe('done');
		expect(fake.requests.find((r) => r.url.includes('session/disconnect'))!.url).toBe('/api/v1/session/disconnect?client-id=keeper');
		expect(sink.listed.get('keeper')).toMatchObject({online: false, queued: 3});
	});

	test('an offline session: the plan is to delete it with --cleanup, and says so as destructive', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'keeper', clean_session: false, is_online: false, offline_messages: 3, mountpoint: 'tenant-a'});
		const {sink, node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: 'keeper'});
		expect(plan.destructive).toBe(true);
		expect(plan.summary).toBe(
			'deletes the offline session of client ID keeper (mountpoint tenant-a): its 3 queued messages and subscriptions are gone',
		);
		const outcome = await opened.admin.perform(plan);
		expect(outcome).toEqual({result: 'done', message: 'deleted the offline session of client ID keeper', disconnected: []});
		const request = fake.requests.find((r) => r.url.includes('session/disconnect'))!;
		expect(request.url).toBe('/api/v1/session/disconnect?client-id=keeper&--mountpoint=tenant-a&--cleanup');
		expect(sink.listed.has('keeper')).toBe(false);
	});

	test('a client ID VerneMQ does not have: it answers Done anyway, so the outcome comes from the listing', async () => {
		fake = await new FakeVernemq().start();
		const {node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: 'ghost'});
		expect(plan.notes[0]).toMatch(/VerneMQ answers the same whether or not it exists/);
		expect(await opened.admin.perform(plan)).toEqual({
			result: 'failed',
			message: 'VerneMQ has no session ghost: nothing was disconnected',
			disconnected: [],
		});
	});

	test('bans, kicks by username, takeover and traffic are unavailable, each with a why', async () => {
		fake = await new FakeVernemq().start();
		const {node: opened} = await open();
		const caps = opened.admin.capabilities();
		expect(caps.get('kick-client')).toEqual({ok: true});
		expect(caps.get('subscriptions')).toEqual({ok: true});
		for (const c of ['ban-client', 'ban-user', 'ban-address', 'unban'] as const) {
			expect(caps.get(c)).toEqual({ok: false, why: expect.stringMatching(/HTTP API has no bans/)});
		}

		for (const c of ['kick-user', 'kick-takeover', 'traffic'] as const) expect(caps.get(c)?.ok).toBe(false);
		expect(opened.admin.plan('ban-user', {node: 'verne-a', by: 'user', value: 'alice'})).toEqual({
			refused: expect.stringMatching(/HTTP API has no bans/),
		});
	});

	test('no answer to a disconnect is unknown', async () => {
		fake = await new FakeVernemq().start();
		fake.add({client_id: 'gw-01'});
		const {node: opened} = await open({}, {timeoutMs: 300});
		fake.stallMatching = /session\/disconnect/;
		const outcome = await opened.admin.perform(planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: 'gw-01'}));
		expect(outcome.result).toBe('unknown');
	});
});

describe('hostile client IDs', () => {
	test('an ID with a double quote is never sent: VerneMQ would paste it into its own query', async () => {
		fake = await new FakeVernemq().start();
		const id = 'x" OR client_id != "';
		fake.add({client_id: id});
		fake.add({client_id: 'bystander'});
		const {node: opened} = await open();
		const plan = opened.admin.plan('kick-client', {node: 'verne-a', by: 'client', value: id});
		expect(plan).toEqual({
			refused: expect.stringMatching(/^cannot kick client ID x" OR client_id != ": VerneMQ puts the ID in a quoted query/),
		});
		// Even a plan made up elsewhere is not sent.
		const forged = {
			...planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: 'bystander'}),
			target: {node: 'verne-a', by: 'client' as const, value: id},
		};
		expect((await opened.admin.perform(forged)).result).toBe('failed');
		expect(fake.requests.some((r) => r.url.includes('disconnect'))).toBe(false);
		expect(fake.find('bystander')).toBeDefined();
	});

	test('spaces, ampersands, equals signs and leading dashes travel as one client-id value', async () => {
		fake = await new FakeVernemq().start();
		const id = '--cleanup &client-id=other x';
		fake.add({client_id: id, clean_session: true});
		fake.add({client_id: 'other', clean_session: false});
		const {node: opened} = await open();
		const outcome = await opened.admin.perform(planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: id}));
		expect(outcome.result).toBe('done');
		expect(fake.find(id)).toBeUndefined();
		expect(fake.find('other')).toMatchObject({is_online: true});
	});

	test('terminal escapes in an ID are cleaned in the plan and the outcome', async () => {
		fake = await new FakeVernemq().start();
		const id = 'evil\u001b[2J\u009b31m';
		fake.add({client_id: id});
		const {node: opened} = await open();
		const plan = planOf(opened, 'kick-client', {node: 'verne-a', by: 'client', value: id});
		expect(plan.summary).toContain('evil\\x1b[2J\\x9b31m');
		const outcome = await opened.admin.perform(plan);
		expect(outcome.message).toBe('kicked client ID evil\\x1b[2J\\x9b31m');
	});
});
