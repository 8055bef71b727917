import {randomUUID} from 'node:crypto';
import type {MqttClient} from 'mqtt';
import type {Account} from '../../model/types.js';

export const controlTopic = '$CONTROL/dynamic-security/v1';
export const responseTopic = '$CONTROL/dynamic-security/v1/response';

export type DynsecResponse = {command: string; error?: string; data?: unknown};

/** The plugin did not answer: it is not loaded, or this account may not use it. */
export class DynsecUnavailable extends Error {}

/**
 * Request/response over Mosquitto's dynamic-security control topic. Responses go to every
 * subscriber of the response topic, so each request carries its own correlationData.
 */
export class DynsecClient {
	private readonly pending = new Map<string, {resolve: (r: DynsecResponse) => void; timer: NodeJS.Timeout}>();

	constructor(
		private readonly client: MqttClient,
		private readonly timeoutMs = 3000,
	) {}

	/** Feed every message on the response topic here. */
	handle(payload: Buffer): void {
		let body: {responses?: Array<DynsecResponse & {correlationData?: string}>};
		try {
			body = JSON.parse(payload.toString()) as typeof body;
		} catch {
			return;
		}

		for (const response of body.responses ?? []) {
			const waiter = response.correlationData === undefined ? undefined : this.pending.get(response.correlationData);
			if (!waiter) continue;
			this.pending.delete(response.correlationData!);
			clearTimeout(waiter.timer);
			waiter.resolve(response);
		}
	}

	async command(command: string, args: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<DynsecResponse> {
		const correlationData = randomUUID();
		const answer = new Promise<DynsecResponse>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(correlationData);
				reject(new DynsecUnavailable(`no answer to ${command} on ${controlTopic} within ${timeoutMs / 1000} s`));
			}, timeoutMs);
			this.pending.set(correlationData, {resolve, timer});
		});
		try {
			// QoS 1: on MQTT 5 a refused publish comes back in the PUBACK instead of vanishing.
			await this.client.publishAsync(controlTopic, JSON.stringify({commands: [{command, ...args, correlationData}]}), {qos: 1});
		} catch (error) {
			const waiter = this.pending.get(correlationData);
			if (waiter) clearTimeout(waiter.timer);
			this.pending.delete(correlationData);
			throw new DynsecUnavailable(`publishing to ${controlTopic} was refused (${(error as Error).message})`);
		}

		return answer;
	}

	async listAccounts(timeoutMs?: number): Promise<Account[]> {
		const response = await this.command('listClients', {verbose: true}, timeoutMs);
		if (response.error) throw new Error(`listClients: ${response.error}`);
		const data = response.data as {clients?: Array<{username: string; clientid?: string; disabled?: boolean}>} | undefined;
		return (data?.clients ?? []).map((c) => ({
			username: c.username,
			disabled: c.disabled === true,
			...(c.clientid ? {clientId: c.clientid} : {}),
		}));
	}

	close(): void {
		for (const waiter of this.pending.values()) clearTimeout(waiter.timer);
		this.pending.clear();
	}
}
