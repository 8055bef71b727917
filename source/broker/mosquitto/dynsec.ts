import {randomUUID} from 'node:crypto';
import type {MqttClient} from 'mqtt';
import type {Account} from '../../model/types.js';

export const controlTopic = '$CONTROL/dynamic-security/v1';
export const responseTopic = '$CONTROL/dynamic-security/v1/response';

export type DynsecResponse = {command: string; error?: string; data?: unknown};

/** The plugin did not answer: it is not loaded, or this account may not use it. */
export class DynsecUnavailable extends Error {}

/**
 * The request went out but no answer came back (time-out, lost link, mqtt-top closing): the
 * broker may still have carried it out.
 */
export class DynsecNoAnswer extends DynsecUnavailable {}

/** Nothing was sent: the link to the broker is down. */
export class DynsecNotSent extends Error {}

type Waiter = {resolve: (r: DynsecResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; command: string};

/**
 * Request/response over Mosquitto's dynamic-security control topic. Responses go to every
 * subscriber of the response topic, so each request carries its own correlationData.
 */
export class DynsecClient {
	private readonly pending = new Map<string, Waiter>();

	constructor(
		private readonly client: MqttClient,
		private readonly timeoutMs = 3000,
	) {
		// Responses are QoS 0 to a clean session: whatever the broker answers while the link is
		// down is lost, so a request still waiting when the link closes will never hear back.
		client.on('close', () => this.settleAll('the connection to the broker closed before it answered'));
	}

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

	/**
	 * A read-only request (listClients): QoS 1, so that on MQTT 5 a publish this account may not
	 * make comes back refused in the PUBACK instead of vanishing. mqtt.js re-sends unacknowledged
	 * QoS 1 publishes after a reconnect, which is harmless for a read.
	 */
	async query(command: string, args: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<DynsecResponse> {
		return this.send(command, args, timeoutMs, 1);
	}

	/**
	 * A command that changes the broker (modifyClient, disableClient, enableClient). Sent at QoS 0:
	 * mqtt.js keeps unacknowledged QoS 1 publishes in its outgoing store and sends them again after
	 * a reconnect, which would carry out a kick or block the operator already saw reported as "no
	 * answer", with nobody watching. QoS 0 goes out once or not at all; the correlated response is
	 * the acknowledgement. (The start-up probe, at QoS 1, already proved this account may publish.)
	 */
	async command(command: string, args: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<DynsecResponse> {
		// mqtt.js queues QoS 0 publishes made while offline and sends them on reconnect, too.
		if (!this.client.connected) throw new DynsecNotSent(`not connected to the broker: ${command} was not sent`);
		return this.send(command, args, timeoutMs, 0);
	}

	private async send(command: string, args: Record<string, unknown>, timeoutMs: number, qos: 0 | 1): Promise<DynsecResponse> {
		const correlationData = randomUUID();
		const answer = new Promise<DynsecResponse>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(correlationData);
				reject(new DynsecNoAnswer(`no answer to ${command} on ${controlTopic} within ${timeoutMs / 1000} s`));
			}, timeoutMs);
			this.pending.set(correlationData, {resolve, reject, timer, command});
		});
		// Settled by its timer or by the link closing even when a QoS 1 publish never gets its PUBACK
		// (mqtt.js then never completes it): the caller must not hang, nor a rejection go unhandled.
		answer.catch(() => {});
		try {
			const published = this.client.publishAsync(controlTopic, JSON.stringify({commands: [{command, ...args, correlationData}]}), {qos});
			await Promise.race([published, answer]);
		} catch (error) {
			if (error instanceof DynsecUnavailable && !this.pending.has(correlationData)) throw error;
			const waiter = this.pending.get(correlationData);
			if (waiter) clearTimeout(waiter.timer);
			this.pending.delete(correlationData);
			if (qos === 1) throw new DynsecUnavailable(`publishing to ${controlTopic} was refused (${(error as Error).message})`);
			// A QoS 0 write that failed may or may not have reached the broker.
			throw new DynsecNoAnswer(`sending ${command} failed (${(error as Error).message}); it may have reached the broker`);
		}

		return answer;
	}

	async listAccounts(timeoutMs?: number): Promise<Account[]> {
		const response = await this.query('listClients', {verbose: true}, timeoutMs);
		if (response.error) throw new Error(`listClients: ${response.error}`);
		const data = response.data as {clients?: Array<{username: string; clientid?: string; disabled?: boolean}>} | undefined;
		return (data?.clients ?? []).map((c) => ({
			username: c.username,
			disabled: c.disabled === true,
			...(c.clientid ? {clientId: c.clientid} : {}),
		}));
	}

	private settleAll(why: string): void {
		for (const waiter of this.pending.values()) {
			clearTimeout(waiter.timer);
			waiter.reject(new DynsecNoAnswer(`no answer to ${waiter.command}: ${why}`));
		}

		this.pending.clear();
	}

	/** Every request still waiting settles as "no answer", so its caller can record that. */
	close(): void {
		this.settleAll('mqtt-top closed before the broker answered');
	}
}
