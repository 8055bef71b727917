// Builds stores the way the monitor does: by applying events parsed from real Mosquitto log lines.
import {parseLogMessage, parseSubscribe} from '../../../source/broker/mosquitto/log-parser.js';
import {SessionStore} from '../../../source/model/session-store.js';

export const t0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export type ClientSpec = {
	id: string;
	user?: string;
	clean?: boolean;
	protocol?: 1 | 2 | 5;
	keepAlive?: number;
	address?: string;
	subscriptions?: Array<[string, number]>;
};

export function connectLine(spec: ClientSpec, port = 40000): string {
	const user = spec.user === undefined ? '' : `, u'${spec.user}'`;
	return `New client connected from ${spec.address ?? '127.0.0.1'}:${port} as ${spec.id} (p${spec.protocol ?? 2}, c${spec.clean === false ? 0 : 1}, k${spec.keepAlive ?? 60}${user}).`;
}

/** Applies one connect (and its subscriptions) per spec, a second apart from `start`. */
export function connect(store: SessionStore, specs: ClientSpec[], start = t0): void {
	specs.forEach((spec, i) => {
		const time = start + i * 1000;
		store.apply(parseLogMessage(connectLine(spec, 40000 + (i % 20000)), time));
		for (const [topic, qos] of spec.subscriptions ?? []) store.apply(parseSubscribe(`${spec.id} ${qos} ${topic}`, time, store));
	});
}

export function storeWith(specs: ClientSpec[], start = t0, node?: string): SessionStore {
	const store = new SessionStore({node});
	connect(store, specs, start);
	return store;
}

export function disconnect(store: SessionStore, id: string, time: number, how = 'disconnected.'): void {
	store.apply(parseLogMessage(`Client ${id} ${how}`, time));
}

/** `n` online sessions named device-00000 … with usernames user-0 … user-9. */
export function bigStore(n: number): SessionStore {
	const store = new SessionStore();
	for (let i = 0; i < n; i++) {
		const id = `device-${String(i).padStart(5, '0')}`;
		store.apply(parseLogMessage(connectLine({id, user: `user-${i % 10}`}, 10000 + (i % 50000)), t0 + i));
	}

	return store;
}
