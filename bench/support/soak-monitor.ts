// The monitor under soak, in a process of its own so that its memory is its own: the CLI's way
// of opening a broker (openBroker: the broker's log file, replayed then followed, merged with
// the $SYS/broker/log/# stream, into one SessionStore) and the real App rendered by Ink into
// an off-screen 80×24 terminal (MonitorHarness), refreshing every second as the CLI does.
// Driven over IPC by soak.ts:
//   → {type: 'start', start}    ← {type: 'ready', floor, ready}   (first frame drawn)
//                               ← {type: 'sample', sample} every sampleMs
//   → {type: 'sample'}          ← {type: 'sample', sample, asked: true}
//   → {type: 'final'}           ← {type: 'final', final}
//   → {type: 'stop'}            ← {type: 'stopped'}, then exit
// If the soak goes away (IPC closes), the monitor closes and the process exits.
import '../../source/production-mode.js';
import {openBroker, type OpenedBroker} from '../../source/broker/open-broker.js';
import {buildConfig} from '../../source/config.js';
import {collectGarbage} from './figure.js';
import {MonitorHarness} from './monitor-harness.js';
import {median} from './stats.js';

export type SoakMonitorStart = {
	port: number;
	username: string;
	password: string;
	/** The broker's log file, read as the CLI reads it on the broker host (--log-file). */
	logPath: string;
	clientId: string;
	sampleMs: number;
};

export type MemorySample = {
	/** Milliseconds since the epoch. */
	at: number;
	/** process.memoryUsage() as it was, before any collection. */
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
	/** Heap used right after a full collection: what the monitor really holds. */
	liveHeap: number;
	/** Sessions listed in the store, and those online. */
	listed: number;
	online: number;
	/** The broker's $SYS/broker/clients/connected as the monitor last received it. */
	brokerConnected: number | null;
	events: number;
	/** Frames Ink wrote since the previous sample, and the median refresh tick → frame time. */
	frames: number;
	tickMs: number | null;
};

export type SoakMonitorFinal = {
	online: number;
	listed: number;
	offline: number;
	brokerConnected: number | null;
	events: number;
	unknownLines: number;
	connection: string;
	logFile: string;
	/** The header's lines as last drawn (plain text). */
	header: string[];
};

type Command = {type: 'start'; start: SoakMonitorStart} | {type: 'sample'} | {type: 'final'} | {type: 'stop'};

const send = (message: unknown) => {
	if (process.connected) process.send!(message);
};

let broker: OpenedBroker | undefined;
let harness: MonitorHarness | undefined;
let sampler: NodeJS.Timeout | undefined;
/** Frames counted up to the previous sample. */
let framesBefore = 0;

function memory(): Omit<MemorySample, 'at' | 'listed' | 'online' | 'brokerConnected' | 'events' | 'frames' | 'tickMs'> {
	const usage = process.memoryUsage();
	collectGarbage();
	return {
		rss: usage.rss,
		heapUsed: usage.heapUsed,
		heapTotal: usage.heapTotal,
		external: usage.external,
		arrayBuffers: usage.arrayBuffers,
		liveHeap: process.memoryUsage().heapUsed,
	};
}

/** `keep`: an extra point that leaves the frame count and tick times to the next regular sample. */
function sample(keep = false): MemorySample {
	const store = broker!.store;
	const ticks = harness!.tickFrames;
	const at = Date.now();
	const taken: MemorySample = {
		at,
		...memory(),
		listed: store.sessions.size,
		online: store.statusCounts.online,
		brokerConnected: store.broker.connected ?? null,
		events: store.counters.events,
		frames: harness!.frames - framesBefore,
		tickMs: ticks.length ? median(ticks) : null,
	};
	if (keep) return taken;
	framesBefore = harness!.frames;
	// The harness keeps tick times for the figures that ask for them: dropped here, so that the
	// harness itself never grows over a long soak.
	harness!.resetTicks();
	return taken;
}

async function start(options: SoakMonitorStart): Promise<void> {
	// Everything the monitor needs is loaded (the imports above): what the process holds before
	// it opens the broker is the floor the monitor's own memory stands on.
	const floor = memory();
	const config = buildConfig({
		host: '127.0.0.1',
		port: options.port,
		username: options.username,
		password: options.password,
		id: options.clientId,
		logFile: options.logPath,
	});
	broker = await openBroker(config, {waitForActions: false});
	const {logFile, logChoice} = broker;
	harness = new MonitorHarness({
		adapter: broker,
		refreshSeconds: config.refresh,
		clientId: config.clientId,
		columns: 80,
		rows: 24,
		logFile:
			logFile && logChoice
				? () => {
						const status = logFile.status();
						return {path: logChoice.path, reason: logChoice.reason, state: status.state, error: status.error};
					}
				: undefined,
	});
	await harness.nextFrame(0, 10_000);
	await logFile?.replayed;
	send({type: 'ready', floor, ready: sample()});
	sampler = setInterval(() => send({type: 'sample', sample: sample()}), options.sampleMs);
}

function final(): SoakMonitorFinal {
	const {node: adapter, store, logFile} = broker!;
	const lines = harness!.screen().split('\n');
	return {
		online: store.statusCounts.online,
		listed: store.sessions.size,
		offline: store.statusCounts.offline,
		brokerConnected: store.broker.connected ?? null,
		events: store.counters.events,
		unknownLines: store.counters.unknownLines,
		connection: adapter.connection().state,
		logFile: logFile ? logFile.status().state : 'none',
		header: lines.slice(0, 4).map((line) => line.trimEnd()),
	};
}

async function stop(): Promise<void> {
	clearInterval(sampler);
	harness?.unmount();
	await broker?.close();
}

if (process.send) {
	// Ctrl-C reaches the whole process group: the soak decides when the monitor goes.
	process.on('SIGINT', () => {});
	process.once('disconnect', () => {
		void Promise.race([stop(), new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(0));
	});
	process.on('message', (command: Command) => {
		void (async () => {
			try {
				if (command.type === 'start') await start(command.start);
				// One more point of the curve, now (the churn's start and end), outside the regular ones.
				else if (command.type === 'sample') send({type: 'sample', sample: sample(true), asked: true});
				else if (command.type === 'final') send({type: 'final', final: final()});
				else {
					await stop();
					process.send!({type: 'stopped'}, () => process.exit(0));
				}
			} catch (error) {
				send({type: 'error', error: String((error as Error)?.stack ?? error)});
			}
		})();
	});
}
