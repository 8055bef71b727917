import type {ActionOutcome, ConnectionState} from '../../source/broker/adapter.js';
import type {MonitoredNode} from '../../source/broker/driver.js';
import {MosquittoAdmin} from '../../source/broker/mosquitto/admin.js';
import type {SessionStore} from '../../source/model/session-store.js';

const refused = async (): Promise<ActionOutcome> => ({result: 'failed', message: 'the bench has no broker', disconnected: []});

/**
 * A node around a store that the bench fills itself: the view figures measure the monitor, not
 * the network, so the events come straight from the parser.
 */
export function storeAdapter(store: SessionStore): MonitoredNode {
	const connected: ConnectionState = {state: 'connected'};
	const admin = new MosquittoAdmin({
		store,
		actions: {dynsec: true},
		refreshAccounts: async () => {},
		kickByUsername: refused,
		kickByTakeover: refused,
		block: refused,
		unblock: refused,
	});
	return {
		store,
		node: {
			name: store.node,
			type: 'mosquitto',
			url: 'mqtt://127.0.0.1:1883',
			admin,
			connection: () => connected,
			onConnectionChange: () => () => {},
			close: async () => {},
		},
	};
}
