// Drives the demo the way the product does: the real Mosquitto adapter, its store and actions.
import net from 'node:net';
import {openMosquitto, type MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import {buildConfig} from '../../source/config.js';
import type {Demo} from '../../source/demo/index.js';
import type {Session} from '../../source/model/types.js';

export {eventually} from '../support/mosquitto.js';

export async function openMonitor(demo: Demo): Promise<MosquittoAdapter> {
	// The product's default protocol (MQTT 5), also against the embedded broker.
	const config = buildConfig({host: demo.host, port: demo.port, username: demo.username, password: demo.password}, {});
	return openMosquitto(config);
}

export function session(adapter: MosquittoAdapter, clientId: string): Session | undefined {
	return adapter.store.get(clientId);
}

export function onlineOf(adapter: MosquittoAdapter, username?: string): Session[] {
	const sessions = username === undefined ? [...adapter.store.sessions.values()] : adapter.store.sessionsOfUser(username);
	return sessions.filter((s) => s.status === 'online');
}

export function refusesConnections(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(true));
	});
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
