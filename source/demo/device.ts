// One simulated device: a real mqtt.js client over loopback TCP that connects, subscribes,
// publishes and comes back after being dropped, as firmware does. Its timers go through the
// fleet's shared scheduler; mqtt.js never reconnects on its own.
import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import type {DeviceSpec} from './fleet-plan.js';
import type {Scheduled, Scheduler} from './scheduler.js';

export type Endpoint = {host: string; port: number};

type Range = readonly [min: number, max: number];

/** How long things take, in milliseconds; each wait is drawn uniformly from its range (jitter). */
export const timing = {
	/** Back-off after the broker dropped the device (kicked, blocked, lost). */
	reconnect: [2000, 5000],
	/** Retry after the broker refused the login. */
	refusedRetry: [3000, 6000],
	flapperOnline: [2000, 4000],
	flapperOffline: [1000, 2500],
	roamerOnline: [20_000, 90_000],
	roamerOffline: [8000, 30_000],
	/** Between a device's activities (a reading, a subscription change). */
	activity: [10_000, 40_000],
	/** Between a churning device's subscription changes. */
	churn: [6000, 20_000],
} satisfies Record<string, Range>;

export const chances = {
	/** Per activity: that a steady device loses its connection (and comes back). */
	drop: 0.01,
	/** Of those drops, the share that hang instead (socket open, silent) until the broker's keep-alive check. */
	hang: 0.3,
	/** Of a roamer's departures, the share that are a network switch: a new connection takes the session over. */
	networkSwitch: 0.3,
};

function between([min, max]: Range): number {
	return min + Math.random() * (max - min);
}

export class Device {
	private client: MqttClient | undefined;
	private next: Scheduled | undefined;
	/** Set when the device goes offline on purpose: how long it stays away. */
	private awayFor: number | undefined;
	private readonly churned = new Set<string>();
	/** Old connections left behind by a network switch, until the broker closes them. */
	private readonly strays = new Set<MqttClient>();
	private stopped = false;
	private settled: (() => void) | undefined;
	online = false;

	constructor(
		readonly spec: DeviceSpec,
		private readonly endpoint: Endpoint,
		private readonly scheduler: Scheduler,
	) {}

	/** Connects; resolves once the first attempt has an outcome (connected, refused, failed). */
	start(): Promise<void> {
		if (this.stopped) return Promise.resolve();
		const first = new Promise<void>((resolve) => {
			this.settled = resolve;
		});
		this.connect();
		return first;
	}

	stop(): void {
		this.stopped = true;
		this.scheduler.cancel(this.next);
		this.settle();
		if (this.client) this.discard(this.client);
		for (const stray of this.strays) this.discard(stray);
		this.strays.clear();
		this.client = undefined;
		this.online = false;
	}

	private settle(): void {
		this.settled?.();
		this.settled = undefined;
	}

	private options(): IClientOptions {
		const {spec} = this;
		return {
			host: this.endpoint.host,
			port: this.endpoint.port,
			protocol: 'mqtt',
			clientId: spec.clientId,
			username: spec.username,
			password: spec.password,
			protocolVersion: spec.protocolVersion,
			protocolId: spec.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
			clean: spec.clean,
			keepalive: spec.keepalive,
			reconnectPeriod: 0,
			connectTimeout: 10_000,
			resubscribe: false,
			queueQoSZero: false,
			// MQTT 5 ends a session with its connection unless it asks for an expiry.
			...(spec.protocolVersion === 5 && !spec.clean ? {properties: {sessionExpiryInterval: 24 * 3600}} : {}),
		};
	}

	private connect(): void {
		if (this.stopped) return;
		const client = mqtt.connect(this.options());
		this.client = client;
		let refused = false;
		client.on('connect', (connack) => this.onOnline(client, connack.sessionPresent === true));
		client.on('error', (error: Error & {code?: unknown}) => {
			// A numeric code is the CONNACK refusal (5 / 0x87 not authorised, ...).
			if (typeof error.code === 'number') refused = true;
		});
		client.on('close', () => this.onClosed(client, refused));
	}

	private discard(client: MqttClient): void {
		client.removeAllListeners();
		client.on('error', () => {});
		client.end(true);
	}

	private onOnline(client: MqttClient, sessionPresent: boolean): void {
		if (client !== this.client) return;
		this.online = true;
		this.settle();
		if (!sessionPresent) {
			this.churned.clear();
			if (this.spec.subscriptions.length > 0) {
				client.subscribe(Object.fromEntries(this.spec.subscriptions.map(({topic, qos}) => [topic, {qos}])), () => {});
			}
		}

		this.plan();
	}

	private onClosed(client: MqttClient, refused: boolean): void {
		if (client !== this.client) return;
		this.client = undefined;
		this.online = false;
		this.discard(client);
		this.settle();
		if (this.stopped) return;
		this.scheduler.cancel(this.next);
		const delay = this.awayFor ?? between(refused ? timing.refusedRetry : timing.reconnect);
		this.awayFor = undefined;
		this.next = this.scheduler.after(delay, () => this.connect());
	}

	/** Schedules what the device does next while it is online. */
	private plan(): void {
		this.scheduler.cancel(this.next);
		const {behaviour} = this.spec;
		if (behaviour === 'flapper') {
			this.next = this.scheduler.after(between(timing.flapperOnline), () => this.leave(between(timing.flapperOffline), false));
		} else if (behaviour === 'roamer') {
			this.next = this.scheduler.after(between(timing.roamerOnline), () => this.leave(between(timing.roamerOffline), true));
		} else {
			const wait = this.spec.churn.length > 0 ? timing.churn : timing.activity;
			this.next = this.scheduler.after(between(wait), () => this.act());
		}
	}

	/** Goes offline on purpose: politely (DISCONNECT), by dropping the socket, or by switching network. */
	private leave(awayFor: number, mayswitch: boolean): void {
		const client = this.client;
		if (!client || !this.online) return;
		const roll = Math.random();
		if (mayswitch && roll < chances.networkSwitch) {
			this.switchNetwork(client);
			return;
		}

		this.awayFor = awayFor;
		if (roll < 0.65) client.end();
		else client.stream.destroy();
	}

	/**
	 * Connects again while the old connection still looks alive to the broker, which then takes
	 * the session over and closes the old one (Mosquitto logs "already connected").
	 */
	private switchNetwork(old: MqttClient): void {
		old.removeAllListeners();
		old.on('error', () => {});
		old.once('close', () => {
			this.strays.delete(old);
			old.end(true);
		});
		this.strays.add(old);
		this.client = undefined;
		this.online = false;
		this.connect();
	}

	private act(): void {
		const client = this.client;
		if (!client || !this.online) return;
		if (Math.random() < chances.drop) {
			// A hung device keeps its socket but sends nothing, not even PINGREQ: the broker drops
			// it after 1.5 × keep-alive. Otherwise the link just dies.
			if (Math.random() < chances.hang) client.stream.cork();
			else client.stream.destroy();
			return;
		}

		if (this.spec.churn.length > 0 && Math.random() < 0.7) {
			const filter = this.spec.churn[Math.floor(Math.random() * this.spec.churn.length)];
			if (this.churned.delete(filter)) client.unsubscribe(filter, () => {});
			else {
				this.churned.add(filter);
				client.subscribe(filter, {qos: 0}, () => {});
			}
		} else if (this.spec.telemetry) {
			const reading = JSON.stringify({t: Date.now(), value: Math.round(Math.random() * 1000) / 10});
			client.publish(this.spec.telemetry, reading, {qos: 0}, () => {});
		}

		this.plan();
	}
}
