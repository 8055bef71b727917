import {describe, expect, it} from 'vitest';
import {planAccountOf, planKickOf} from '../../source/actions/choose.js';
import type {ActionPlan, BrokerAdmin, Capability, CapabilityState, Target} from '../../source/broker/driver.js';
import {storeWith} from '../ui/support/fixtures.js';

/** An admin that declares `states` and plans whatever it is asked, recording what. */
function admin(states: Partial<Record<Capability, CapabilityState>>, refuse: Capability[] = []) {
	const asked: Array<[Capability, Target]> = [];
	const value: BrokerAdmin = {
		capabilities: () => new Map(Object.entries(states) as Array<[Capability, CapabilityState]>),
		plan(capability, target) {
			asked.push([capability, target]);
			if (refuse.includes(capability)) return {refused: `${capability} refused for ${target.value}`};
			const plan: ActionPlan = {
				capability,
				target,
				affected: [],
				targets: [target.value],
				summary: capability,
				notes: [],
				destructive: false,
			};
			return plan;
		},
		perform: async () => ({result: 'done', message: '', disconnected: []}),
		refresh: async () => {},
	};
	return Object.assign(value, {asked});
}

const ok = {ok: true} as const;
const store = storeWith([{id: 'gw-01', user: 'alice'}, {id: 'anon'}], undefined, 'node-a');

describe('planKickOf', () => {
	it('prefers kicking the one client, then its username, then a takeover', () => {
		const all = admin({'kick-client': ok, 'kick-user': ok, 'kick-takeover': ok});
		expect(planKickOf(store.get('gw-01')!, all)).toMatchObject({
			capability: 'kick-client',
			target: {node: 'node-a', by: 'client', value: 'gw-01'},
		});
		const noClient = admin({'kick-client': {ok: false, why: 'no such command'}, 'kick-user': ok, 'kick-takeover': ok});
		expect(planKickOf(store.get('gw-01')!, noClient)).toMatchObject({capability: 'kick-user'});
	});

	it('falls through a plan its driver refuses for this target (no username) to the next capability', () => {
		const mosquittoLike = admin({'kick-user': ok, 'kick-takeover': ok}, ['kick-user']);
		expect(planKickOf(store.get('anon')!, mosquittoLike)).toMatchObject({capability: 'kick-takeover'});
		expect(mosquittoLike.asked.map(([c]) => c)).toEqual(['kick-user', 'kick-takeover']);
	});

	it('waits while a preferred capability is still being probed, instead of falling back', () => {
		const probing = admin({'kick-user': {ok: false, why: 'asking the plugin…', pending: true}, 'kick-takeover': ok});
		expect(planKickOf(store.get('gw-01')!, probing)).toEqual({refused: 'cannot kick yet: asking the plugin…'});
		expect(probing.asked).toEqual([]);
	});

	it('says why when nothing can kick', () => {
		const none = admin({'kick-client': {ok: false, why: 'the API key may only read'}});
		expect(planKickOf(store.get('gw-01')!, none)).toEqual({refused: 'cannot kick: the API key may only read'});
		expect(planKickOf(store.get('gw-01')!, admin({}))).toEqual({refused: 'cannot kick: this broker has no way to do it'});
	});
});

describe('planAccountOf', () => {
	it('blocks and unblocks by username', () => {
		expect(planAccountOf('block', store.get('gw-01')!, admin({'ban-user': ok}))).toMatchObject({
			capability: 'ban-user',
			target: {by: 'user', value: 'alice'},
		});
		expect(planAccountOf('unblock', store.get('gw-01')!, admin({unban: ok}))).toMatchObject({capability: 'unban', target: {by: 'user'}});
	});

	it('blocks a client without a username by client ID only where the broker bans client IDs', () => {
		expect(planAccountOf('block', store.get('anon')!, admin({'ban-user': ok, 'ban-client': ok}))).toMatchObject({
			capability: 'ban-client',
			target: {by: 'client', value: 'anon'},
		});
		expect(planAccountOf('block', store.get('anon')!, admin({'ban-user': ok}))).toEqual({
			refused: 'client anon has no username: only accounts can be blocked (kick it instead)',
		});
	});

	it('gives the driver’s reason when blocking is unavailable', () => {
		expect(planAccountOf('block', store.get('gw-01')!, admin({'ban-user': {ok: false, why: 'plugin not loaded'}}))).toEqual({
			refused: 'cannot block: plugin not loaded',
		});
	});
});
