// A fleet of real MQTT clients in a process of its own: 5,000 sockets need 5,000 file
// descriptors, and the fleet's CPU should not be charged to the monitor being measured.
// Driven over IPC by storm.ts: {url, clients, batch, prefix, deadlineMs} → FleetResult.
import mqtt, {type MqttClient} from 'mqtt';

export type FleetRequest = {url: string; clients: number; batch: number; prefix: string; deadlineMs: number};
export type FleetResult = {connected: number; failed: number; connectMs: number; disconnectMs: number; timedOut: boolean; errors: string[]};

function open(url: string, clientId: string, protocolVersion: 4 | 5): Promise<MqttClient> {
	const client = mqtt.connect(url, {clientId, protocolVersion, clean: true, keepalive: 60, reconnectPeriod: 0, connectTimeout: 20_000});
	return new Promise((resolve, reject) => {
		client.once('connect', () => resolve(client));
		client.once('error', (error) => {
			client.end(true);
			reject(error);
		});
		client.once('close', () => reject(new Error('closed before CONNACK')));
	});
}

async function join(request: FleetRequest, n: number): Promise<MqttClient> {
	// A third speak MQTT 5, the rest 3.1.1, as on a mixed fleet.
	const client = await open(request.url, `${request.prefix}-${n}`, n % 3 === 0 ? 5 : 4);
	client.on('error', () => {});
	await client.subscribeAsync(`storm/${n % 50}/${n}/cmd/#`, {qos: (n % 3) as 0 | 1 | 2});
	if (n % 4 === 0) await client.subscribeAsync(`storm/${n % 50}/+/alerts`, {qos: 0});
	return client;
}

/** Leaves in the ways a real fleet does: DISCONNECT, dropped socket, unsubscribe first, or taken over. */
async function leave(request: FleetRequest, client: MqttClient, n: number): Promise<void> {
	const way = n % 10;
	if (way === 1) await client.unsubscribeAsync(`storm/${n % 50}/${n}/cmd/#`);
	if (way <= 5) {
		await client.endAsync();
	} else if (way <= 8) {
		client.stream.destroy();
		client.end(true);
	} else {
		const intruder = await open(request.url, `${request.prefix}-${n}`, 4);
		client.end(true);
		await intruder.endAsync();
	}
}

async function inBatches<T>(
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

export async function runFleet(request: FleetRequest): Promise<FleetResult> {
	const started = performance.now();
	// Half the time budget for connecting, the rest for leaving: a stuck storm still ends.
	const connectDeadline = started + request.deadlineMs / 2;
	const clients: Array<{client: MqttClient; n: number}> = [];
	const numbers = Array.from({length: request.clients}, (_, n) => n);
	const joined = await inBatches(numbers, request.batch, connectDeadline, async (n) => {
		clients.push({client: await join(request, n), n});
	});
	const connectMs = performance.now() - started;
	const leaveStarted = performance.now();
	const left = await inBatches(clients, request.batch, started + request.deadlineMs, ({client, n}) => leave(request, client, n));
	for (const {client} of clients) client.end(true);
	return {
		connected: joined.ok,
		failed: joined.failed + left.failed,
		connectMs,
		disconnectMs: performance.now() - leaveStarted,
		timedOut: joined.timedOut || left.timedOut,
		errors: [...joined.errors, ...left.errors],
	};
}

if (process.send) {
	process.once('message', (request: FleetRequest) => {
		runFleet(request).then(
			(result) => process.send!({result}, () => process.exit(0)),
			(error: unknown) => process.send!({error: String((error as Error)?.stack ?? error)}, () => process.exit(1)),
		);
	});
}
