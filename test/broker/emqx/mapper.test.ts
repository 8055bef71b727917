import {describe, expect, test} from 'vitest';
import {
	queuedOf,
	bannedAccounts,
	banActive,
	clientSnapshot,
	keepsSession,
	protocolOf,
	subscriptionMap,
	timeOf,
} from '../../../source/broker/emqx/mapper.js';
import type {EmqxClient} from '../../../source/broker/emqx/clients.js';
import {emqxClientRow} from '../../fakes/emqx.js';

describe('EMQX client rows → snapshots', () => {
	test('the documented client_example row (emqx_mgmt_api_clients.erl@v5.8.9) maps field by field', () => {
		const row = emqxClientRow(
			{
				clientid: 'gw-01',
				username: 'alice',
				ip_address: '10.0.0.7',
				port: 40001,
				proto_ver: 4,
				clean_start: false,
				keepalive: 45,
				mqueue_len: 12,
				inflight_cnt: 3,
			},
			2,
		) as unknown as EmqxClient;
		const snapshot = clientSnapshot(row);
		expect(snapshot).toEqual({
			clientId: 'gw-01',
			username: 'alice',
			address: '10.0.0.7',
			port: 40001,
			protocol: '3.1.1',
			cleanSession: false,
			keepAlive: 45,
			// 14:34:56.789 at +08:00 is 06:34:56.789 UTC.
			connectedAt: Date.UTC(2026, 11, 2, 6, 34, 56, 789),
			online: true,
			subscriptions: undefined,
			// The message queue and the inflight window: all EMQX holds that the client has not acknowledged.
			queued: 15,
		});
	});

	test('proto_ver 3, 4 and 5 are MQTT 3.1, 3.1.1 and 5.0; gateways have no MQTT version', () => {
		expect(protocolOf({proto_name: 'MQTT', proto_ver: 3})).toBe('3.1');
		expect(protocolOf({proto_name: 'MQTT', proto_ver: 4})).toBe('3.1.1');
		expect(protocolOf({proto_name: 'MQTT', proto_ver: 5})).toBe('5.0');
		expect(protocolOf({proto_name: 'MQTT-SN', proto_ver: 1})).toBeUndefined();
		expect(protocolOf({proto_name: 'CoAP', proto_ver: 4})).toBeUndefined();
	});

	test('username null (no username) is no username, not the text "null"', () => {
		const row = emqxClientRow({clientid: 'anon'}, 0) as unknown as EmqxClient;
		expect(row.username).toBeNull();
		expect(clientSnapshot(row).username).toBeUndefined();
	});

	test('a session EMQX keeps for a disconnected client is listed offline', () => {
		const row = emqxClientRow(
			{clientid: 'sleepy', connected: false, clean_start: false, expiry_interval: 7200},
			1,
		) as unknown as EmqxClient;
		expect(clientSnapshot(row).online).toBe(false);
	});

	test('times: RFC 3339 with any offset, or epoch milliseconds; garbage is unknown', () => {
		expect(timeOf('2026-12-02T06:00:00Z')).toBe(Date.UTC(2026, 11, 2, 6));
		expect(timeOf('2026-12-02T08:00:00+02:00')).toBe(Date.UTC(2026, 11, 2, 6));
		expect(timeOf(1_764_655_200_000)).toBe(1_764_655_200_000);
		expect(timeOf('yesterday')).toBeUndefined();
		expect(timeOf(null)).toBeUndefined();
	});

	test('persistence comes from the session expiry interval, which EMQX lists (unlike Mosquitto logs)', () => {
		expect(keepsSession({proto_ver: 5, clean_start: true, expiry_interval: 3600})).toBe(true);
		expect(keepsSession({proto_ver: 5, clean_start: false, expiry_interval: 0})).toBe(false);
		expect(keepsSession({proto_ver: 4, clean_start: false})).toBe(true);
		expect(keepsSession({})).toBeUndefined();
	});

	test('subscriptions: topic → QoS, shared subscriptions kept as EMQX formats them', () => {
		const map = subscriptionMap([
			{clientid: 'a', topic: 'home/+/temp', qos: 1},
			{clientid: 'a', topic: '$share/g1/jobs/#', qos: 2},
		]);
		expect([...map]).toEqual([
			['home/+/temp', 1],
			['$share/g1/jobs/#', 2],
		]);
	});
});

describe('EMQX bans → accounts', () => {
	const now = Date.UTC(2026, 11, 2, 12);
	test('only active username bans become disabled accounts', () => {
		const accounts = bannedAccounts(
			[
				{as: 'username', who: 'alice', until: 'infinity'},
				{as: 'username', who: 'old', until: '2026-12-01T00:00:00+00:00'},
				{as: 'clientid', who: 'gw-01', until: 'infinity'},
				{as: 'peerhost', who: '10.0.0.7', until: 'infinity'},
			],
			now,
		);
		expect(accounts).toEqual([{username: 'alice', disabled: true}]);
	});

	test('until in the future is active, in the past is not', () => {
		expect(banActive({as: 'username', who: 'x', until: '2026-12-03T00:00:00+08:00'}, now)).toBe(true);
		expect(banActive({as: 'username', who: 'x', until: '2026-12-02T11:00:00Z'}, now)).toBe(false);
	});
});

describe('queued', () => {
	test('mqueue_len plus inflight_cnt; unknown (never 0) without mqueue_len; malformed counts ignored', () => {
		expect(queuedOf({mqueue_len: 10, inflight_cnt: 32})).toBe(42);
		expect(queuedOf({mqueue_len: 0, inflight_cnt: 0})).toBe(0);
		expect(queuedOf({mqueue_len: 7})).toBe(7);
		expect(queuedOf({inflight_cnt: 5})).toBeUndefined();
		expect(queuedOf({})).toBeUndefined();
		expect(queuedOf({mqueue_len: -1, inflight_cnt: 2})).toBeUndefined();
		expect(queuedOf({mqueue_len: 4, inflight_cnt: Number.NaN})).toBe(4);
	});
});
