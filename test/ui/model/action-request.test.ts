import {describe, expect, it} from 'vitest';
import type {ActionAvailability} from '../../../source/broker/adapter.js';
import type {SessionStore} from '../../../source/model/session-store.js';
import type {Session} from '../../../source/model/types.js';
import {prepareAction as prepare, type ActionKind} from '../../../source/ui/model/action-request.js';
import {mosquittoAdmin} from '../../support/legacy-plan.js';
import {disconnect, storeWith, t0} from '../support/fixtures.js';

/** One Mosquitto node holding `store`, with dynamic security in the given state. */
function prepareAction(kind: ActionKind, targets: Session[], store: SessionStore, actions: ActionAvailability) {
	const node = {admin: mosquittoAdmin(store, actions), store, url: 'mqtt://broker.test:1883'};
	return prepare(kind, targets, (name) => (name === store.node ? node : undefined));
}

const fleet = () => {
	const store = storeWith([
		{id: 'gw-01', user: 'alice'},
		{id: 'gw-02', user: 'alice'},
		{id: 'bob-1', user: 'bob', clean: false},
		{id: 'anon', clean: true},
		{id: 'anon-persistent', clean: false},
	]);
	return store;
};

const get = (store: ReturnType<typeof fleet>, ...ids: string[]) => ids.map((id) => store.get(id)!);

describe('prepareAction', () => {
	it('kicks by username once for several clients of one account', () => {
		const store = fleet();
		const prepared = prepareAction('kick', get(store, 'gw-01', 'gw-02'), store, {dynsec: true});
		if (!prepared.ok) throw new Error(prepared.message);
		expect(prepared.request.plans).toHaveLength(1);
		expect(prepared.request.plans[0]).toMatchObject({
			capability: 'kick-user',
			target: {by: 'user', value: 'alice'},
			targets: ['gw-01', 'gw-02'],
		});
		expect(prepared.request.plans[0].summary).toBe('kicks username alice: disconnects 2 sessions: gw-01, gw-02');
		expect(prepared.request.destructive).toBe(false);
	});

	it('kicks a client without username by takeover: harmless when clean, destructive when persistent', () => {
		const store = fleet();
		const clean = prepareAction('kick', get(store, 'anon'), store, {dynsec: true});
		const persistent = prepareAction('kick', get(store, 'anon-persistent'), store, {dynsec: true});
		expect(clean.ok && clean.request.destructive).toBe(false);
		expect(persistent.ok && persistent.request.destructive).toBe(true);
		expect(persistent.ok && persistent.request.plans[0].capability).toBe('kick-takeover');
	});

	it('skips sessions that are not online, and says so', () => {
		const store = fleet();
		disconnect(store, 'bob-1', t0 + 9000, 'closed its connection.');
		const prepared = prepareAction('kick', get(store, 'bob-1', 'gw-01'), store, {dynsec: true});
		expect(prepared.ok && prepared.request.skipped).toEqual(['client bob-1 is offline: nothing to kick']);
		expect(prepareAction('kick', get(store, 'bob-1'), store, {dynsec: true})).toEqual({
			ok: false,
			message: 'client bob-1 is offline: nothing to kick',
		});
	});

	it('blocks each username once, leaving out clients without one', () => {
		const store = fleet();
		const prepared = prepareAction('block', get(store, 'gw-01', 'gw-02', 'bob-1', 'anon'), store, {dynsec: true});
		if (!prepared.ok) throw new Error(prepared.message);
		expect(prepared.request.plans.map((p) => p.capability === 'ban-user' && p.target.value)).toEqual(['alice', 'bob']);
		expect(prepared.request.skipped).toEqual(['client anon has no username: only accounts can be blocked (kick it instead)']);
	});

	it('refuses block and unblock without dynamic security, with the reason', () => {
		const store = fleet();
		expect(prepareAction('block', get(store, 'gw-01'), store, {dynsec: false, reason: 'plugin not loaded'})).toEqual({
			ok: false,
			message: 'cannot block: plugin not loaded',
		});
		expect(prepareAction('unblock', get(store, 'gw-01'), store, {dynsec: false, reason: 'plugin not loaded'})).toEqual({
			ok: false,
			message: 'cannot unblock: plugin not loaded',
		});
	});

	it('acts on nothing while dynamic security is still being asked', () => {
		const store = fleet();
		const pending = {dynsec: false, reason: 'asking the dynamic-security plugin…', pending: true} as const;
		expect(prepareAction('kick', get(store, 'gw-01'), store, pending)).toEqual({
			ok: false,
			message: 'cannot kick yet: asking the dynamic-security plugin…',
		});
	});

	it('does not block twice or unblock what is not blocked', () => {
		const store = fleet();
		store.setAccountDisabled('alice', true);
		store.setAccountDisabled('bob', false);
		expect(prepareAction('block', get(store, 'gw-01'), store, {dynsec: true})).toEqual({
			ok: false,
			message: 'username alice is already blocked',
		});
		expect(prepareAction('unblock', get(store, 'bob-1'), store, {dynsec: true})).toEqual({
			ok: false,
			message: 'username bob is not blocked',
		});
		const unblock = prepareAction('unblock', get(store, 'gw-01'), store, {dynsec: true});
		expect(unblock.ok && unblock.request.plans[0].summary).toBe('enables username alice again (2 sessions known: gw-01, gw-02)');
	});

	it('sends each target to its own node: the same client ID on two brokers is two plans', () => {
		const a = storeWith([{id: 'gw-01', user: 'alice'}], t0, 'broker-a');
		const b = storeWith([{id: 'gw-01', user: 'alice'}], t0, 'broker-b');
		const nodes = new Map(
			[a, b].map((store) => [store.node, {admin: mosquittoAdmin(store, {dynsec: true}), store, url: `mqtt://${store.node}:1883`}]),
		);
		const prepared = prepare('kick', [a.get('gw-01')!, b.get('gw-01')!], (name) => nodes.get(name));
		if (!prepared.ok) throw new Error(prepared.message);
		expect(prepared.request.plans.map((p) => [p.target.node, p.target.value, p.affected.map((s) => s.node)])).toEqual([
			['broker-a', 'alice', ['broker-a']],
			['broker-b', 'alice', ['broker-b']],
		]);
		const gone = prepare('kick', [a.get('gw-01')!], (name) => (name === 'broker-b' ? nodes.get(name) : undefined));
		expect(gone).toEqual({ok: false, message: 'client gw-01: node broker-a is not monitored'});
	});
});
