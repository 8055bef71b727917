// The VerneMQ driver filling a real SessionStore (its reconcile), against the fake VerneMQ.
import {afterEach, expect, test} from 'vitest';
import type {BrokerNode} from '../../../source/broker/driver.js';
import {openVernemq} from '../../../source/broker/vernemq/driver.js';
import {buildConfig} from '../../../source/config.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {FakeVernemq} from '../../fakes/vernemq.js';

let fake: FakeVernemq;
let node: BrokerNode | undefined;

afterEach(async () => {
	await node?.close();
	node = undefined;
	await fake?.stop();
});

test('sessions, subscriptions and a kick reach the store', async () => {
	fake = await new FakeVernemq().start();
	fake.add({client_id: 'gw-01', user: 'alice', protocol: 5, peer_host: '10.0.0.5', peer_port: 5, subscriptions: {'t/#': 2}});
	fake.add({client_id: 'keeper', is_online: false, clean_session: false, protocol: 4});
	const store = new SessionStore({node: 'verne-a'});
	const config = {...buildConfig({username: fake.apiKey}), brokerType: 'vernemq' as const, apiUrl: fake.url, node: 'verne-a'};
	node = await openVernemq(config, store, {intervalMs: 60_000});
	expect(store.get('gw-01')).toMatchObject({node: 'verne-a', status: 'online', username: 'alice', protocol: '5.0', address: '10.0.0.5'});
	expect([...store.get('gw-01')!.subscriptions]).toEqual([['t/#', 2]]);
	expect(store.get('keeper')?.status).toBe('offline');

	fake.failNext = 1;
	await node.admin.refresh();
	expect(store.get('gw-01')?.status).toBe('online');

	const plan = node.admin.plan('kick-client', {node: 'verne-a', by: 'client', value: 'gw-01'});
	if ('refused' in plan) throw new Error(plan.refused);
	expect((await node.admin.perform(plan)).result).toBe('done');
	expect(store.get('gw-01')?.status).not.toBe('online');
});
