import {fork} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {MqttClient} from 'mqtt';
import {logTopic, openMosquitto, type MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import {buildConfig} from '../../source/config.js';
import {SessionStore} from '../../source/model/session-store.js';
import {connectClient, type TestBroker} from './broker.js';
import {sleep} from './monitor-harness.js';
import {percentile} from './stats.js';
import type {FleetRequest, FleetResult} from './storm-fleet.js';

/**
 * Concurrent connects per batch. Mosquitto listens with a backlog of 100: more connects at once
 * overflow its accept queue, the kernel drops SYNs and the clients retry after a full second,
 * which measures TCP's retry timer rather than anything of ours.
 */
export const stormBatch = 100;

export type StormOptions = {
	clients: number;
	/** Concurrent connects (see stormBatch). */
	batch: number;
	/** The whole storm (connect and leave) is cut off after this. */
	deadlineMs: number;
	/** A store to open the monitor with (e.g. preloaded with sessions). */
	store?: SessionStore;
	/** Further brokers the monitor watches at once but the fleet leaves alone (the idle nodes of a fleet). */
	idle?: readonly TestBroker[];
	/**
	 * Runs while the storm does (e.g. key presses); `stormOver()` turns true when the fleet is done.
	 * `idle` are the monitor's adapters on the idle brokers.
	 */
	during?: (adapter: MosquittoAdapter, stormOver: () => boolean, idle: readonly MosquittoAdapter[]) => Promise<void>;
};

export type StormResult = {
	clients: number;
	connected: number;
	failed: number;
	fleetErrors: string[];
	timedOut: boolean;
	/** Log messages the bare reference subscriber received during the storm. */
	reference: number;
	/** Events the monitor's store applied during the storm. */
	applied: number;
	/** Last applied event minus the reference's last message (ms; negative: the monitor was first). */
	lagLastMs: number;
	/** Per-message lag, the i-th applied event against the i-th reference message. */
	lagP95Ms: number;
	lagMaxMs: number;
	connectMs: number;
	disconnectMs: number;
	sessionsAtEnd: number;
	/** Events the idle brokers' stores applied during the storm (their own traffic only: expected ~0). */
	idleApplied: number;
};

/** Resolves once `count()` has not changed for `quietMs` (or `maxMs` passed). */
async function settled(count: () => number, quietMs: number, maxMs: number): Promise<void> {
	const deadline = performance.now() + maxMs;
	let last = count();
	let since = performance.now();
	while (performance.now() < deadline) {
		await sleep(50);
		const now = count();
		if (now !== last) {
			last = now;
			since = performance.now();
		} else if (performance.now() - since >= quietMs) {
			return;
		}
	}
}

function runFleetChild(request: FleetRequest): Promise<FleetResult> {
	const script = fileURLToPath(new URL('storm-fleet.js', import.meta.url));
	// The fleet's stdout goes to our stderr: nothing may reach the bench's stdout but the results.
	const child = fork(script, [], {stdio: ['ignore', 2, 2, 'ipc'], execArgv: []});
	return new Promise((resolve, reject) => {
		const kill = setTimeout(() => child.kill('SIGKILL'), request.deadlineMs + 30_000);
		child.once('message', (message: {result?: FleetResult; error?: string}) => {
			clearTimeout(kill);
			if (message.result) resolve(message.result);
			else reject(new Error(`storm fleet failed: ${message.error}`));
		});
		child.once('exit', (code) => {
			clearTimeout(kill);
			reject(new Error(`storm fleet exited (${code}) without a result`));
		});
		child.send(request);
	});
}

/**
 * One storm: a reference subscriber and mqtt-top's engine listen to `$SYS/broker/log/#` in this
 * process while a fleet in another process connects and leaves. Both count only what arrives
 * after the stream went quiet, so the messages about their own connections are left out.
 */
export async function runStorm(broker: TestBroker, options: StormOptions): Promise<StormResult> {
	const refTimes: number[] = [];
	const appliedTimes: number[] = [];
	let reference: MqttClient | undefined;
	let adapter: MosquittoAdapter | undefined;
	const idle: MosquittoAdapter[] = [];
	let idleApplied = 0;
	try {
		reference = await connectClient(broker.url, {clientId: `bench-reference-${process.pid}`, protocolVersion: 5});
		reference.on('message', (topic) => {
			if (topic.startsWith('$SYS/broker/log/')) refTimes.push(performance.now());
		});
		await reference.subscribeAsync(logTopic, {qos: 0});

		const config = buildConfig({host: '127.0.0.1', port: broker.port, id: `bench-monitor-${process.pid}`}, {});
		// No dynamic security on this broker: do not wait the full probe timeout for it.
		config.dynsecTimeout = 200;
		const store = options.store ?? new SessionStore();
		adapter = await openMosquitto(config, {store});
		store.onEvent(() => appliedTimes.push(performance.now()));
		for (const other of options.idle ?? []) {
			const otherConfig = buildConfig({host: '127.0.0.1', port: other.port, id: `bench-monitor-${process.pid}`}, {});
			otherConfig.dynsecTimeout = 200;
			// Its own store, named for its node (as openBroker does): the fleet view keys stores by node.
			const opened = await openMosquitto(otherConfig);
			opened.store.onEvent(() => idleApplied++);
			idle.push(opened);
		}

		await settled(() => refTimes.length + appliedTimes.length, 300, 5000);
		const refBase = refTimes.length;
		const appliedBase = appliedTimes.length;
		const idleBase = idleApplied;

		let over = false;
		const fleet = runFleetChild({
			url: broker.url,
			clients: options.clients,
			batch: options.batch,
			prefix: `storm-${process.pid}`,
			deadlineMs: options.deadlineMs,
		}).finally(() => {
			over = true;
		});
		const alongside = options.during?.(adapter, () => over, idle);
		const result = await fleet;
		await settled(() => refTimes.length + appliedTimes.length, 1000, 15_000);
		await alongside;

		const ref = refTimes.slice(refBase);
		const applied = appliedTimes.slice(appliedBase);
		const lags: number[] = [];
		for (let i = 0; i < Math.min(ref.length, applied.length); i++) lags.push(applied[i] - ref[i]);
		return {
			clients: options.clients,
			connected: result.connected,
			failed: result.failed,
			fleetErrors: result.errors,
			timedOut: result.timedOut,
			reference: ref.length,
			applied: applied.length,
			lagLastMs: ref.length && applied.length ? applied[applied.length - 1] - ref[ref.length - 1] : Number.NaN,
			lagP95Ms: lags.length ? percentile(lags, 95) : Number.NaN,
			lagMaxMs: lags.length ? lags.reduce((a, b) => Math.max(a, b)) : Number.NaN,
			connectMs: result.connectMs,
			disconnectMs: result.disconnectMs,
			sessionsAtEnd: store.sessions.size,
			idleApplied: idleApplied - idleBase,
		};
	} finally {
		await Promise.all(idle.map((opened) => opened.close()));
		await adapter?.close();
		await reference?.endAsync(true).catch(() => {});
	}
}
