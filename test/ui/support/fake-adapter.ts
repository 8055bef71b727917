// A BrokerAdapter for unit tests: a real store, scripted broker behaviour, and a record of calls.
import type {ActionAvailability, ActionOutcome, BrokerAdapter, ConnectionState} from '../../../source/broker/adapter.js';
import {parseLogMessage} from '../../../source/broker/mosquitto/log-parser.js';
import type {SessionStore} from '../../../source/model/session-store.js';

export type Call = {method: 'kickByUsername' | 'kickByTakeover' | 'block' | 'unblock'; target: string};

export type FakeAdapter = BrokerAdapter & {
	calls: Call[];
	setConnection(state: ConnectionState): void;
};

/**
 * Behaves like the broker would: block disconnects the username's online sessions (through
 * the same log lines Mosquitto writes) and disables the account; the outcome lists them.
 */
export function fakeAdapter(
	store: SessionStore,
	options: {actions?: ActionAvailability; now?: () => number; fail?: boolean} = {},
): FakeAdapter {
	const calls: Call[] = [];
	const listeners = new Set<(state: ConnectionState) => void>();
	let connection: ConnectionState = {state: 'connected'};
	const now = options.now ?? Date.now;
	const dropUser = (username: string): string[] => {
		const ids = store
			.sessionsOfUser(username)
			.filter((s) => s.status === 'online')
			.map((s) => s.clientId);
		for (const id of ids) store.apply(parseLogMessage(`Client ${id} been disconnected by administrative action.`, now()));
		return ids;
	};

	const outcome = (message: string, disconnected: string[] = []): ActionOutcome =>
		options.fail
			? {result: 'failed', message: `refused by the broker: ${message}`, disconnected: []}
			: {result: 'done', message, disconnected};

	return {
		flavour: 'mosquitto',
		url: 'mqtt://broker.test:1883',
		store,
		actions: options.actions ?? {dynsec: true},
		calls,
		connection: () => connection,
		onConnectionChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		setConnection(state) {
			connection = state;
			for (const listener of listeners) listener(state);
		},
		async refreshAccounts() {},
		async kickByUsername(username) {
			calls.push({method: 'kickByUsername', target: username});
			return outcome(`kicked username ${username}`, options.fail ? [] : dropUser(username));
		},
		async kickByTakeover(clientId) {
			calls.push({method: 'kickByTakeover', target: clientId});
			return outcome(`kicked client ${clientId} (taken over and closed)`);
		},
		async block(username) {
			calls.push({method: 'block', target: username});
			if (options.fail) return outcome('block');
			store.setAccountDisabled(username, true);
			return outcome(`blocked username ${username}`, dropUser(username));
		},
		async unblock(username) {
			calls.push({method: 'unblock', target: username});
			if (!options.fail) store.setAccountDisabled(username, false);
			return outcome(`unblocked username ${username}`);
		},
		async close() {},
	};
}
