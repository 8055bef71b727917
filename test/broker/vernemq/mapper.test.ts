import {describe, expect, test} from 'vitest';
import {protocolOf, sessionSnapshots, subscriptionsByClient, truncated} from '../../../source/broker/vernemq/mapper.js';

describe('VerneMQ session show rows → snapshots', () => {
	test('the documented row (vmq-docs http-administration.md) maps, with user null as no username', () => {
		const {snapshots} = sessionSnapshots([
			{user: 'client1', peer_port: 50402, is_online: true, mountpoint: '', client_id: 'mosq/qJpvoqe1PA4lBN1e4E', peer_host: '127.0.0.1'},
			{user: null, peer_port: 50406, is_online: true, mountpoint: '', client_id: 'anon', peer_host: '::1'},
		]);
		expect(snapshots[0]).toMatchObject({
			clientId: 'mosq/qJpvoqe1PA4lBN1e4E',
			username: 'client1',
			address: '127.0.0.1',
			port: 50402,
			online: true,
		});
		expect(snapshots[1].username).toBeUndefined();
		expect(snapshots[1].address).toBe('::1');
	});

	test('protocol levels 3, 4, 5, and bridges (128 + level)', () => {
		expect([3, 4, 5, 131, 132, 6, undefined].map(protocolOf)).toEqual(['3.1', '3.1.1', '5.0', '3.1', '3.1.1', undefined, undefined]);
	});

	test('queued is offline plus online messages; connected-at is the session start, only while online', () => {
		const {snapshots} = sessionSnapshots([
			{client_id: 'a', is_online: true, offline_messages: 2, online_messages: 5, session_started_at: 1_549_379_974_905},
			{client_id: 'b', is_online: false, clean_session: false, offline_messages: 9, online_messages: 0},
		]);
		expect(snapshots[0]).toMatchObject({queued: 7, connectedAt: 1_549_379_974_905, online: true});
		expect(snapshots[1]).toMatchObject({queued: 9, connectedAt: undefined, online: false, cleanSession: false});
	});

	test('queued is unknown, never 0, when the row carries neither count', () => {
		const {snapshots} = sessionSnapshots([
			{client_id: 'a', is_online: true},
			{client_id: 'b', is_online: true, online_messages: 3},
		]);
		expect(snapshots[0].queued).toBeUndefined();
		expect(snapshots[1].queued).toBe(3);
	});

	test('a queue with several rows is one session, the online row winning', () => {
		const {snapshots} = sessionSnapshots([
			{client_id: 'multi', is_online: false},
			{client_id: 'multi', is_online: true, peer_host: '10.0.0.1', peer_port: 1, user: 'u'},
		]);
		expect(snapshots).toHaveLength(1);
		expect(snapshots[0]).toMatchObject({online: true, address: '10.0.0.1'});
	});

	test('subscriptions: one row per subscription; a listing with them gives an empty map to sessions with none', () => {
		const subs = [
			{client_id: 'client1', topic: 'some/topic', qos: 1, mountpoint: ''},
			{client_id: 'client1', topic: 'some/other/topic', qos: 0, mountpoint: ''},
			{client_id: 'client1', topic: 'elsewhere', qos: 2, mountpoint: 'tenant-b'},
		];
		expect([...subscriptionsByClient(subs).get('client1')!]).toHaveLength(3);
		const {snapshots} = sessionSnapshots(
			[
				{client_id: 'client1', is_online: true, mountpoint: ''},
				{client_id: 'quiet', is_online: true, mountpoint: ''},
			],
			subs,
		);
		// The tenant-b row belongs to another session of the same ID, on another mountpoint.
		expect([...snapshots[0].subscriptions!]).toEqual([
			['some/topic', 1],
			['some/other/topic', 0],
		]);
		expect(snapshots[1].subscriptions!.size).toBe(0);
	});

	test('a node that filled the limit may have more; counted per node', () => {
		const rows = [
			{client_id: 'a', node: 'n1'},
			{client_id: 'b', node: 'n1'},
			{client_id: 'c', node: 'n2'},
		];
		expect(truncated(rows, 2)).toBe(true);
		expect(truncated(rows, 3)).toBe(false);
	});
});
