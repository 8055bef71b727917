import {describe, expect, test} from 'vitest';
import {demoAccounts, monitorUsername} from '../../source/demo/accounts.js';
import {planFleet} from '../../source/demo/fleet-plan.js';

const password = (username: string) => `pw-${username}`;

describe('the simulated fleet', () => {
	test('the default fleet has every kind of device the monitor should show', () => {
		const fleet = planFleet(60, password);
		expect(fleet).toHaveLength(60);
		expect(new Set(fleet.map((d) => d.clientId)).size).toBe(60);
		const versions = new Set(fleet.map((d) => d.protocolVersion));
		expect(versions).toEqual(new Set([3, 4, 5]));
		expect(fleet.filter((d) => d.protocolVersion === 3).length).toBeLessThan(6);
		expect(fleet.filter((d) => d.username === 'sensors').length).toBeGreaterThan(20);
		expect(fleet.filter((d) => !d.clean && d.behaviour === 'roamer').length).toBeGreaterThanOrEqual(2);
		expect(fleet.filter((d) => d.behaviour === 'flapper')).toHaveLength(1);
		expect(fleet.some((d) => d.clientId.includes(' '))).toBe(true);
		expect(fleet.filter((d) => d.blocked)).toHaveLength(1);
		expect(fleet.some((d) => d.churn.length > 0)).toBe(true);
		// MQTT 3.1 caps client IDs at 23 characters.
		for (const d of fleet.filter((d) => d.protocolVersion === 3)) expect(d.clientId.length).toBeLessThanOrEqual(23);
	});

	test('scales to thousands with unique IDs and a handful of accounts', () => {
		const fleet = planFleet(5000, password);
		expect(fleet).toHaveLength(5000);
		expect(new Set(fleet.map((d) => d.clientId)).size).toBe(5000);
		expect(new Set(fleet.map((d) => d.username)).size).toBeLessThan(20);
		for (const d of fleet.filter((d) => d.protocolVersion === 3)) expect(d.clientId.length).toBeLessThanOrEqual(23);
	});

	test('a tiny fleet still starts with the interesting devices', () => {
		const fleet = planFleet(4, password);
		expect(fleet.map((d) => d.clientId)).toEqual(['kitchen thermostat 7', 'flaky-plug-3', 'rogue-tracker-9', 'gw-01']);
	});

	test('accounts: the monitor is the admin, each device username once, the blocked one disabled', () => {
		const accounts = demoAccounts('monitor-pw', planFleet(60, password));
		expect(accounts[0]).toEqual({username: monitorUsername, password: 'monitor-pw', admin: true});
		const names = accounts.map((a) => a.username);
		expect(new Set(names).size).toBe(names.length);
		expect(accounts.find((a) => a.username === 'tracker-9')).toMatchObject({disabled: true, password: 'pw-tracker-9'});
		expect(accounts.filter((a) => a.disabled)).toHaveLength(1);
	});
});
