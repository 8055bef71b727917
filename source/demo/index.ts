// `mqtt-top --demo`: a broker on a free loopback port (the real Mosquitto when it is installed,
// else an embedded aedes that speaks Mosquitto's dialect) and a simulated fleet. The caller then
// runs the normal monitor against host/port/username/password: the same code path as production.
import {ExitCode, UserError} from '../errors.js';
import {demoAccounts, monitorUsername, randomPassword, type DemoAccount} from './accounts.js';
import {startAedesBroker} from './aedes-broker.js';
import {DemoControl} from './control.js';
import {defaultSearchPath, detectMosquitto} from './detect.js';
import {Fleet} from './fleet.js';
import {maxDevices, minDevices, planFleet} from './fleet-plan.js';
import {startMosquittoBroker} from './mosquitto-broker.js';
import type {DemoBroker} from './types.js';

export const defaultDemoClients = 60;

import type {DemoBrokerChoice, DemoDialect} from './broker-choice.js';

export type {DemoBrokerChoice} from './broker-choice.js';

export type DemoOptions = {
	/** Devices in the fleet (default 60). */
	clients?: number;
	/** `auto` (default) runs Mosquitto when it is installed with dynamic security, else the embedded aedes. */
	broker?: DemoBrokerChoice;
	/** The embedded broker's log dialect (default 2.0); it applies to the embedded broker only. */
	dialect?: DemoDialect;
	/** Progress lines ("starting Mosquitto 2.0.11 on ..."). */
	log?: (line: string) => void;
	/** Problems the demo works around or cannot (Mosquitto would not start, the fleet failed); also sent to `log`. */
	warn?: (line: string) => void;
	/** PATH-style directory list searched for mosquitto and mosquitto_ctrl (default: PATH, /usr/sbin, /usr/local/sbin, /sbin). */
	searchPath?: string;
	/** How long the fleet waits for a monitor to start reading the log before it starts anyway (ms). */
	monitorWaitMs?: number;
};

export type Demo = {
	host: '127.0.0.1';
	port: number;
	username: string;
	password: string;
	/** For the header: "demo: Mosquitto 2.0.11" or "demo: embedded aedes 1.2.0". */
	brokerLabel: string;
	flavour: 'mosquitto' | 'aedes';
	/** Stops the fleet, the broker, and removes the temp dir. Safe to call twice. */
	stop(): Promise<void>;
};

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

async function startBroker(
	options: DemoOptions,
	accounts: DemoAccount[],
	log: (line: string) => void,
	warn: (line: string) => void,
): Promise<DemoBroker> {
	const choice = options.broker ?? 'auto';
	if (choice === 'embedded') return startAedesBroker(accounts, options.dialect);

	const detection = detectMosquitto(options.searchPath ?? defaultSearchPath());
	if (!detection.install) {
		if (choice === 'mosquitto') {
			throw new UserError(
				`--demo with Mosquitto: ${detection.reason} (install it, e.g. apt-get install mosquitto mosquitto-clients, or run the demo without forcing Mosquitto)`,
				ExitCode.usage,
			);
		}

		log(`${detection.reason}: using the embedded aedes broker`);
		return startAedesBroker(accounts, options.dialect);
	}

	try {
		return await startMosquittoBroker(detection.install, accounts[0]);
	} catch (error) {
		if (choice === 'mosquitto') throw new UserError(`could not start Mosquitto for the demo: ${message(error)}`, ExitCode.internal);
		warn(`could not start Mosquitto (${message(error)}): using the embedded aedes broker`);
		return startAedesBroker(accounts, options.dialect);
	}
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
	const count = options.clients ?? defaultDemoClients;
	if (!Number.isInteger(count) || count < minDevices || count > maxDevices) {
		throw new UserError(`--demo-clients: ${String(count)} is not a whole number from ${minDevices} to ${maxDevices}`, ExitCode.usage);
	}

	const log = options.log ?? (() => {});
	const warn = (line: string) => {
		log(line);
		options.warn?.(line);
	};
	const passwords = new Map<string, string>();
	const passwordFor = (username: string) => {
		let password = passwords.get(username);
		if (password === undefined) {
			password = randomPassword();
			passwords.set(username, password);
		}

		return password;
	};

	const specs = planFleet(count, passwordFor);
	const accounts = demoAccounts(randomPassword(), specs);
	const admin = accounts.find((a) => a.username === monitorUsername)!;

	const broker = await startBroker(options, accounts, log, warn).catch((error: unknown) => {
		throw error instanceof UserError ? error : new UserError(`could not start the demo broker: ${message(error)}`, ExitCode.internal);
	});
	log(`${broker.label} listening on ${broker.host}:${broker.port}${broker.detail ? ` (${broker.detail})` : ''}`);
	let control: DemoControl | undefined;
	try {
		control = await DemoControl.open(broker.host, broker.port, admin);
		if (broker.flavour === 'mosquitto') await control.provision(accounts);
	} catch (error) {
		await control?.close();
		await broker.stop();
		throw new UserError(`the demo broker did not come up: ${message(error)}`, ExitCode.internal);
	}

	const fleet = new Fleet(specs, {host: broker.host, port: broker.port}, {log});
	const waitMs = options.monitorWaitMs ?? 10_000;
	const monitor = control.monitorArrived(waitMs);
	let stopped = false;
	const ready = control;
	// Mosquitto cannot list sessions that connected before the monitor subscribed, so the fleet
	// arrives once a monitor reads the log.
	void monitor.promise
		.then(async (arrived) => {
			await ready.close();
			if (stopped) return;
			log(
				arrived ? `monitor connected: starting ${count} devices` : `no monitor after ${waitMs / 1000} s: starting ${count} devices anyway`,
			);
			await fleet.start();
		})
		.catch((error: unknown) => warn(`fleet: ${message(error)}`));

	return {
		host: broker.host,
		port: broker.port,
		username: admin.username,
		password: admin.password,
		brokerLabel: broker.label,
		flavour: broker.flavour,
		async stop() {
			if (stopped) return;
			stopped = true;
			monitor.cancel();
			fleet.stop();
			await ready.close();
			await broker.stop();
		},
	};
}
