// The EMQX driver filling a real SessionStore (its reconcile), against the fake EMQX.
import {afterEach, expect, test} from 'vitest';
import type {BrokerNode} from '../../../source/broker/driver.js';
import {openEmqx} from '../../../source/broker/emqx/driver.js';
import {buildConfig} from '../../../source/config.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {FakeEmqx} from '../../fakes/emqx.js';

let fake: FakeEmqx;
let node: BrokerNode | undefined;

afterEach(async () => {
	await node?.close();
	node = undefined;
	await fake?.stop();
});

async function open() {
	const store = new SessionStore({node: 'emqx-a'});
	const config = {
		...buildConfig({username: fake.apiKey, password: fake.apiSecret}),
		brokerType: 'emqx' as const,
		apiUrl: fake.url,
		node: 'emqx-a',
	};
	node = await openEmqx(config, store, {intervalMs: 60_000});
	return {store, node};
}

test('listed clients become the store’s sessions, on the node, with their details and subscriptions', async () => {
	fake = await new FakeEmqx().start();
	fake.add({clientid: 'gw-01', username: 'alice', proto_ver: 4, ip_address: '10.0.0.4', port: 40004, subscriptions: {'a/#': 1}});
	fake.add({clientid: 'asleep', connected: false, clean_start: false, expiry_interval: 7200, proto_ver: 4});
	const {store} = await open();
	expect(store.get('gw-01')).toMatchObject({
		node: 'emqx-a',
		status: 'online',
		username: 'alice',
		protocol: '3.1.1',
		address: '10.0.0.4',
		port: 40004,
	});
	expect([...store.get('gw-01')!.subscriptions]).toEqual([['a/#', 1]]);
	expect(store.get('asleep')?.status).toBe('offline');
	expect(store.broker.connected).toBe(1);
});

test('a failed round keeps every row; a kick removes the row once EMQX no longer lists it', async () => {
	fake = await new FakeEmqx().start();
	fake.add({clientid: 'gw-01'});
	fake.add({clientid: 'gw-02'});
	const {store, node: opened} = await open();
	fake.failNext = 1;
	await opened.admin.refresh();
	expect(opened.connection().state).toBe('reconnecting');
	expect(store.get('gw-01')?.status).toBe('online');
	expect(store.get('gw-02')?.status).toBe('online');

	const plan = opened.admin.plan('kick-client', {node: 'emqx-a', by: 'client', value: 'gw-01'});
	if ('refused' in plan) throw new Error(plan.refused);
	expect((await opened.admin.perform(plan)).result).toBe('done');
	expect(opened.connection().state).toBe('connected');
	expect(store.get('gw-01')?.status).not.toBe('online');
	expect(store.get('gw-02')?.status).toBe('online');
});

test('a username ban: the account is disabled in the store while EMQX keeps the session connected', async () => {
	fake = await new FakeEmqx().start();
	fake.add({clientid: 'gw-01', username: 'alice'});
	const {store, node: opened} = await open();
	const plan = opened.admin.plan('ban-user', {node: 'emqx-a', by: 'user', value: 'alice'});
	if ('refused' in plan) throw new Error(plan.refused);
	expect((await opened.admin.perform(plan)).disconnected).toEqual([]);
	expect(store.isDisabled('alice')).toBe(true);
	expect(store.get('gw-01')).toBeDefined();
	expect(fake.clients.has('gw-01')).toBe(true);
});
