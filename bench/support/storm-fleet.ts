// A fleet of real MQTT clients in a process of its own: 5,000 sockets need 5,000 file
// descriptors, and the fleet's CPU should not be charged to the monitor being measured.
// Driven over IPC by storm.ts: {url, clients, batch, prefix, deadlineMs} → FleetResult.
import type {MqttClient} from 'mqtt';
import {inBatches, join, leave} from './fleet-clients.js';

export type FleetRequest = {url: string; clients: number; batch: number; prefix: string; deadlineMs: number};
export type FleetResult = {connected: number; failed: number; connectMs: number; disconnectMs: number; timedOut: boolean; errors: string[]};

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
