import {expect, it} from 'vitest';
import {staleSinceByNode} from '../../source/fleet/node-status.js';
import {SessionStore} from '../../source/model/session-store.js';

it('only the rows of a node whose link is down are stale, since it was lost', () => {
	const session = (node: string) => {
		const store = new SessionStore({node});
		store.apply({type: 'connect', time: 0, clientId: 'gw', address: 'a', port: 1, protocol: '5.0', cleanSession: true, keepAlive: 60});
		return store.get('gw')!;
	};

	expect(staleSinceByNode([{name: 'a', connection: {state: 'connected'}}], 99)).toBeUndefined();
	const stale = staleSinceByNode(
		[
			{name: 'a', connection: {state: 'connected'}},
			{name: 'b', connection: {state: 'reconnecting', lostAt: 42}},
			{name: 'c', connection: {state: 'closed'}},
		],
		99,
	)!;
	expect([stale(session('a')), stale(session('b')), stale(session('c'))]).toEqual([undefined, 42, 99]);
});
