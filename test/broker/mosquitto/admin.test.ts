import {describe, expect, it} from 'vitest';
import type {ActionOutcome} from '../../../source/broker/adapter.js';
import {MosquittoAdmin} from '../../../source/broker/mosquitto/admin.js';
import {storeWith} from '../../ui/support/fixtures.js';
import {mosquittoAdmin} from '../../support/legacy-plan.js';

describe('MosquittoAdmin', () => {
	it('declares what dynamic security allows, and why the rest is not possible', () => {
		const store = storeWith([{id: 'gw-01', user: 'alice'}]);
		const on = mosquittoAdmin(store, {dynsec: true}).capabilities();
		expect([...on].filter(([, s]) => s.ok).map(([c]) => c)).toEqual(['kick-user', 'kick-takeover', 'ban-user', 'unban', 'subscriptions']);
		expect(on.get('kick-client')).toMatchObject({ok: false, why: expect.stringContaining('no command that disconnects one client ID')});
		expect(on.get('traffic')).toMatchObject({ok: false, why: expect.stringContaining('log_type all')});
		const off = mosquittoAdmin(store, {dynsec: false, reason: 'plugin not loaded'}).capabilities();
		expect(off.get('ban-user')).toEqual({ok: false, why: 'plugin not loaded', pending: undefined});
		expect(off.get('kick-takeover')).toEqual({ok: true});
		const asking = mosquittoAdmin(store, {dynsec: false, reason: 'asking…', pending: true}).capabilities();
		expect(asking.get('kick-user')).toEqual({ok: false, why: 'asking…', pending: true});
	});

	it('carries each plan out with the dynamic-security command it stands for', async () => {
		const store = storeWith([{id: 'gw-01', user: 'alice'}]);
		const sent: string[] = [];
		const run =
			(name: string) =>
			async (target: string): Promise<ActionOutcome> => {
				sent.push(`${name} ${target}`);
				return {result: 'done', message: name, disconnected: []};
			};
		const admin = new MosquittoAdmin({
			actions: {dynsec: true},
			store,
			kickByUsername: run('modifyClient'),
			kickByTakeover: run('takeover'),
			block: run('disableClient'),
			unblock: run('enableClient'),
			refreshAccounts: async () => {},
		});
		const node = store.node;
		for (const [capability, by, value] of [
			['kick-user', 'client', 'gw-01'],
			['kick-takeover', 'client', 'gw-01'],
			['ban-user', 'user', 'alice'],
			['unban', 'user', 'alice'],
		] as const) {
			const plan = admin.plan(capability, {node, by, value});
			if ('refused' in plan) throw new Error(plan.refused);
			await admin.perform(plan);
		}

		expect(sent).toEqual(['modifyClient alice', 'takeover gw-01', 'disableClient alice', 'enableClient alice']);
		expect(admin.plan('ban-client', {node, by: 'client', value: 'gw-01'})).toEqual({
			refused: 'dynamic security disables accounts (usernames), not client IDs',
		});
		expect(admin.plan('ban-user', {node, by: 'client', value: 'gw-01'})).toEqual({
			refused: 'dynamic security blocks usernames, not client IDs or addresses',
		});
	});
});
