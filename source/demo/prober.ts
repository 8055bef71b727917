// Now and then, a burst of failed logins (someone trying default passwords), so the monitor's
// auth-failure counter and rate have something to show.
import mqtt from 'mqtt';
import type {Endpoint} from './device.js';
import type {Scheduled, Scheduler} from './scheduler.js';

const guesses = ['admin', 'root', 'pi', 'guest', 'sensors', 'test'];

export const probeTiming = {
	/** Before the first burst: soon, so a newcomer sees one. */
	first: [5000, 10_000],
	between: [30_000, 60_000],
	attemptGap: [150, 600],
} as const;

function between([min, max]: readonly [number, number]): number {
	return min + Math.random() * (max - min);
}

export class LoginProber {
	private next: Scheduled | undefined;
	private readonly pending = new Set<mqtt.MqttClient>();
	private stopped = false;
	private serial = 0;

	constructor(
		private readonly endpoint: Endpoint,
		private readonly scheduler: Scheduler,
	) {}

	start(): void {
		this.next = this.scheduler.after(between(probeTiming.first), () => this.burst());
	}

	private burst(): void {
		const attempts = 3 + Math.floor(Math.random() * 4);
		let delay = 0;
		for (let i = 0; i < attempts; i++) {
			delay += between(probeTiming.attemptGap);
			this.scheduler.after(delay, () => this.attempt());
		}

		this.next = this.scheduler.after(delay + between(probeTiming.between), () => this.burst());
	}

	private attempt(): void {
		if (this.stopped) return;
		const username = guesses[Math.floor(Math.random() * guesses.length)];
		const client = mqtt.connect({
			host: this.endpoint.host,
			port: this.endpoint.port,
			clientId: `probe-${(++this.serial).toString(36)}`,
			username,
			password: 'password123',
			protocolVersion: 4,
			reconnectPeriod: 0,
			connectTimeout: 5000,
		});
		this.pending.add(client);
		const done = () => {
			this.pending.delete(client);
			client.removeAllListeners();
			client.on('error', () => {});
			client.end(true);
		};

		client.on('error', done);
		client.on('close', done);
		// Should a guess ever work, leave at once.
		client.on('connect', done);
	}

	stop(): void {
		this.stopped = true;
		this.scheduler.cancel(this.next);
		for (const client of this.pending) {
			client.removeAllListeners();
			client.on('error', () => {});
			client.end(true);
		}

		this.pending.clear();
	}
}
