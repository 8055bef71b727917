import type {ActionOutcome, BrokerAdapter, ConnectionState} from '../../source/broker/adapter.js';
import type {SessionStore} from '../../source/model/session-store.js';

const refused = async (): Promise<ActionOutcome> => ({result: 'failed', message: 'the bench has no broker', disconnected: []});

/**
 * A BrokerAdapter around a store that the bench fills itself: the view figures measure the
 * monitor, not the network, so the events come straight from the parser.
 */
export function storeAdapter(store: SessionStore): BrokerAdapter {
	const connected: ConnectionState = {state: 'connected'};
	return {
		flavour: 'mosquitto',
		url: 'mqtt://127.0.0.1:1883',
		store,
		actions: {dynsec: true},
		connection: () => connected,
		onConnectionChange: () => () => {},
		refreshAccounts: async () => {},
		kickByUsername: refused,
		kickByTakeover: refused,
		block: refused,
		unblock: refused,
		close: async () => {},
	};
}
