// The clients of a bench fleet, shared by the one-shot storm (storm-fleet.ts) and the churn of
// the soak (churn-fleet.ts): how one joins (connect, subscribe) and the ways one leaves.
import mqtt, {type MqttClient} from 'mqtt';

/** Where a fleet connects, its client-ID prefix, and an account when the broker wants one. */
export type FleetTarget = {url: string; prefix: string; username?: string; password?: string};

export function open(target: FleetTarget, clientId: string, protocolVersion: 4 | 5): Promise<MqttClient> {
	const client = mqtt.connect(target.url, {
		clientId,
		protocolVersion,
		clean: true,
		keepalive: 60,
		reconnectPeriod: 0,
		connectTimeout: 20_000,
		username: target.username,
		password: target.password,
	});
	return new Promise((resolve, reject) => {
		client.once('connect', () => resolve(client));
		client.once('error', (error) => {
			client.end(true);
			reject(error);
		});
		client.once('close', () => reject(new Error('closed before CONNACK')));
	});
}

export function clientId(target: FleetTarget, n: number): string {
	return `${target.prefix}-${n}`;
}

/** The topic filter client `n` subscribes to first (and unsubscribes from when it leaves that way). */
export function ownTopic(n: number): string {
	return `storm/${n % 50}/${n}/cmd/#`;
}

export async function join(target: FleetTarget, n: number): Promise<MqttClient> {
	// A third speak MQTT 5, the rest 3.1.1, as on a mixed fleet.
	const client = await open(target, clientId(target, n), n % 3 === 0 ? 5 : 4);
	client.on('error', () => {});
	await client.subscribeAsync(ownTopic(n), {qos: (n % 3) as 0 | 1 | 2});
	if (n % 4 === 0) await client.subscribeAsync(`storm/${n % 50}/+/alerts`, {qos: 0});
	return client;
}

/**
 * Leaves in the ways a real fleet does: DISCONNECT, dropped socket, unsubscribe first, or taken
 * over. `way` (0–9) picks one: 0–5 DISCONNECT (1 unsubscribes first), 6–8 drop, 9 takeover.
 */
export async function leave(target: FleetTarget, client: MqttClient, n: number, way = n % 10): Promise<void> {
	if (way === 1) await client.unsubscribeAsync(ownTopic(n));
	if (way <= 5) {
		await client.endAsync();
	} else if (way <= 8) {
		client.stream.destroy();
		client.end(true);
	} else {
		const intruder = await open(target, clientId(target, n), 4);
		client.end(true);
		await intruder.endAsync();
	}
}

/** Runs `work` over `items`, `size` at a time, until done or past `deadline` (performance.now()). */
export async function inBatches<T>(
	items: readonly T[],
	size: number,
	deadline: number,
	work: (item: T) => Promise<unknown>,
): Promise<{ok: number; failed: number; timedOut: boolean; errors: string[]}> {
	let ok = 0;
	let failed = 0;
	const errors: string[] = [];
	for (let i = 0; i < items.length; i += size) {
		if (performance.now() > deadline) return {ok, failed, timedOut: true, errors};
		const results = await Promise.allSettled(items.slice(i, i + size).map(work));
		for (const result of results) {
			if (result.status === 'fulfilled') ok++;
			else {
				failed++;
				if (errors.length < 5) errors.push(String((result.reason as Error)?.message ?? result.reason));
			}
		}
	}

	return {ok, failed, timedOut: false, errors};
}
