// The simulated fleet: starts its devices in batches (so thousands do not hit the broker, and
// the two cores it shares with the monitor, at once) and stops every one of them again.
import {Device, type Endpoint} from './device.js';
import type {DeviceSpec} from './fleet-plan.js';
import {LoginProber} from './prober.js';
import {Scheduler} from './scheduler.js';

export type FleetOptions = {
	/** Devices connecting at the same time during start-up. */
	batchSize?: number;
	/** Simulate bursts of failed logins (default true). */
	prober?: boolean;
	log?: (line: string) => void;
};

export class Fleet {
	readonly devices: Device[];
	private readonly scheduler = new Scheduler();
	private readonly prober: LoginProber | undefined;
	private stopped = false;

	constructor(
		specs: DeviceSpec[],
		endpoint: Endpoint,
		private readonly options: FleetOptions = {},
	) {
		this.devices = specs.map((spec) => new Device(spec, endpoint, this.scheduler));
		this.prober = options.prober === false ? undefined : new LoginProber(endpoint, this.scheduler);
	}

	/** Resolves once every device has made its first attempt. */
	async start(): Promise<void> {
		const batchSize = this.options.batchSize ?? 50;
		this.prober?.start();
		for (let i = 0; i < this.devices.length && !this.stopped; i += batchSize) {
			await Promise.all(this.devices.slice(i, i + batchSize).map((device) => device.start()));
			// Let the monitor draw between batches.
			await new Promise((r) => setTimeout(r, 10));
		}

		if (!this.stopped) this.options.log?.(`fleet: ${this.online()} of ${this.devices.length} devices online`);
	}

	online(): number {
		let n = 0;
		for (const device of this.devices) if (device.online) n++;
		return n;
	}

	stop(): void {
		this.stopped = true;
		this.scheduler.stop();
		this.prober?.stop();
		for (const device of this.devices) device.stop();
	}
}
