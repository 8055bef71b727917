// The demo's own admin connection: creates the fleet's accounts through dynamic security (on
// Mosquitto) and notices when a monitor starts reading the log, so the fleet arrives while it
// watches (Mosquitto cannot list sessions that connected before).
import mqtt, {type MqttClient} from 'mqtt';
import {DynsecClient, responseTopic} from '../broker/mosquitto/dynsec.js';
import {parseLogTopicMessage} from '../broker/mosquitto/log-parser.js';
import {topicMatches} from '../model/topic-match.js';
import type {DemoAccount} from './accounts.js';

export const controlClientId = 'mqtt-top-demo-control';
const subscribeLog = '$SYS/broker/log/M/subscribe';

/** Everything a device account may do; `#` does not reach `$SYS` or `$CONTROL`. */
const deviceRole = [
	{command: 'createRole', rolename: 'device'},
	...['publishClientSend', 'publishClientReceive', 'subscribePattern', 'unsubscribePattern'].map((acltype) => ({
		command: 'addRoleACL',
		rolename: 'device',
		acltype,
		topic: '#',
		allow: true,
	})),
];

export class DemoControl {
	private readonly monitorWaiters = new Set<() => void>();
	private closed = false;

	private constructor(
		private readonly client: MqttClient,
		private readonly dynsec: DynsecClient,
	) {}

	static async open(host: string, port: number, admin: DemoAccount): Promise<DemoControl> {
		const client = await mqtt.connectAsync({
			host,
			port,
			username: admin.username,
			password: admin.password,
			clientId: controlClientId,
			protocolVersion: 4,
			reconnectPeriod: 0,
			connectTimeout: 5000,
		});
		client.on('error', () => {});
		const control = new DemoControl(client, new DynsecClient(client, 5000));
		client.on('message', (topic, payload) => control.onMessage(topic, payload));
		await client.subscribeAsync([responseTopic, subscribeLog], {qos: 0});
		return control;
	}

	private onMessage(topic: string, payload: Buffer): void {
		if (topic === responseTopic) {
			this.dynsec.handle(payload);
			return;
		}

		const event = parseLogTopicMessage(topic, payload.toString(), Date.now(), {has: (id) => id === controlClientId});
		if (event.type !== 'subscribe' || event.clientId === controlClientId || event.qos >= 128) return;
		if (!topicMatches(event.topic, '$SYS/broker/log/N')) return;
		for (const wake of this.monitorWaiters) wake();
		this.monitorWaiters.clear();
	}

	/** Creates the device role and one account per non-admin demo account (disabled ones disabled). */
	async provision(accounts: DemoAccount[]): Promise<void> {
		const commands: Array<Record<string, unknown>> = [...deviceRole];
		for (const account of accounts) {
			if (account.admin) continue;
			commands.push({command: 'createClient', username: account.username, password: account.password, roles: [{rolename: 'device'}]});
			if (account.disabled) commands.push({command: 'disableClient', username: account.username});
		}

		for (const {command, ...args} of commands) {
			const response = await this.dynsec.command(command as string, args);
			if (response.error) throw new Error(`dynamic security ${String(command)}: ${response.error}`);
		}
	}

	/**
	 * Resolves true once some other client subscribes to the notice log; false after `timeoutMs`
	 * or when cancelled.
	 */
	monitorArrived(timeoutMs: number): {promise: Promise<boolean>; cancel(): void} {
		let finish!: (arrived: boolean) => void;
		const promise = new Promise<boolean>((resolve) => {
			const wake = () => finish(true);
			const timer = setTimeout(() => finish(false), timeoutMs);
			finish = (arrived) => {
				clearTimeout(timer);
				this.monitorWaiters.delete(wake);
				resolve(arrived);
			};

			this.monitorWaiters.add(wake);
		});
		return {promise, cancel: () => finish(false)};
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.dynsec.close();
		await this.client.endAsync(true).catch(() => {});
	}
}
