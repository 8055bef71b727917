// A monitored Mosquitto node for unit tests: a real store, the real admin half (capabilities,
// plans) over scripted broker commands, and a record of the commands sent.
import type {ActionAvailability, ActionOutcome, ConnectionState} from '../../../source/broker/adapter.js';
import type {BrokerNode, MonitoredNode} from '../../../source/broker/driver.js';
import {MosquittoAdmin, type MosquittoCommands} from '../../../source/broker/mosquitto/admin.js';
import {parseLogMessage} from '../../../source/broker/mosquitto/log-parser.js';
import type {SessionStore} from '../../../source/model/session-store.js';

export type Call = {method: 'kickByUsername' | 'kickByTakeover' | 'block' | 'unblock'; target: string};

export type FakeAdapter = MonitoredNode & {
	calls: Call[];
	/** Dynamic security's state; tests may change it. */
	actions: ActionAvailability;
	/** The scripted broker commands behind the admin half; tests may replace one. */
	commands: MosquittoCommands & {actions: ActionAvailability};
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

	const commands: FakeAdapter['commands'] = {
		actions: options.actions ?? ({dynsec: true} as ActionAvailability),
		store,
		async refreshAccounts() {},
		async kickByUsername(username: string) {
			calls.push({method: 'kickByUsername', target: username});
			return outcome(`kicked username ${username}`, options.fail ? [] : dropUser(username));
		},
		async kickByTakeover(clientId: string) {
			calls.push({method: 'kickByTakeover', target: clientId});
			return outcome(`kicked client ${clientId} (taken over and closed)`);
		},
		async block(username: string) {
			calls.push({method: 'block', target: username});
			if (options.fail) return outcome('block');
			store.setAccountDisabled(username, true);
			return outcome(`blocked username ${username}`, dropUser(username));
		},
		async unblock(username: string) {
			calls.push({method: 'unblock', target: username});
			if (!options.fail) store.setAccountDisabled(username, false);
			return outcome(`unblocked username ${username}`);
		},
	};
	const node: BrokerNode = {
		name: store.node,
		type: 'mosquitto',
		url: 'mqtt://broker.test:1883',
		admin: new MosquittoAdmin(commands),
		connection: () => connection,
		onConnectionChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async close() {},
	};
	return {
		node,
		store,
		calls,
		commands,
		get actions() {
			return commands.actions;
		},
		set actions(value: ActionAvailability) {
			commands.actions = value;
		},
		setConnection(state) {
			connection = state;
			for (const listener of listeners) listener(state);
		},
	};
}

/** The fake as the action code looks nodes up, naming it `url` in the audit log. */
export function actionNodes(fake: FakeAdapter, url = fake.node.url) {
	const node = {admin: fake.node.admin, store: fake.store, url};
	return (name: string) => (name === fake.store.node ? node : undefined);
}
