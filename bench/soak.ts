// `npm run soak`: the churn soak. A real Mosquitto (dynamic security, topic and file logging),
// the monitor as the CLI runs it (openBroker: log file + $SYS topics into the store, the App
// rendered by Ink into an off-screen terminal) in a process of its own, and a fleet of real
// clients in another that keeps churning for --minutes. The monitor samples its own memory
// every 10 s; this prints the RSS curve, start/peak/end, the growth per hour from a linear fit
// of the second half, and whether the store's online sessions match the broker's
// $SYS/broker/clients/connected at the end. `--json` prints one JSON object instead.
//
//   node --expose-gc dist-bench/bench/soak.js [--minutes N] [--clients N] [--rate R] [--json]
//
// Only a full run (30 minutes, default population and rate, not interrupted) writes
// bench/last-soak.md. Ctrl-C ends the soak early: it still reports what it sampled and cleans up.
import '../source/production-mode.js';
import {fork, type ChildProcess} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startMosquitto, stormCapacity, type TestBroker} from './support/broker.js';
import type {ChurnRequest, ChurnStats} from './support/churn-fleet.js';
import {describeMachine} from './support/machine.js';
import {describe, markdownTable, textTable} from './support/report.js';
import {notMeasured, row, type Row} from './support/report-types.js';
import type {MemorySample, SoakMonitorFinal, SoakMonitorStart} from './support/soak-monitor.js';
import {median, round} from './support/stats.js';
import {stormBatch} from './support/storm.js';

const defaults = {minutes: 30, clients: 1000, rate: 20};
/** Share of joins under a never-used client ID: the set of IDs seen grows all soak long. */
const newIdShare = 0.7;
const subscriptionOpsPerSecond = 10;
const sampleMs = 10_000;
/** After the churn stops: long enough for two $SYS intervals (sys_interval 1) and the log file. */
const settleMs = 3000;
/** If the counts still differ after settling, how long to keep looking (reported). */
const agreeMs = 10_000;
const accounts = Array.from({length: 4}, (_, i) => ({username: `soak-device-${i}`, password: `soak-pw-${i}`}));

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

type Args = {minutes: number; clients: number; rate: number; json: boolean};

function parseArgs(argv: string[]): Args {
	const args: Args = {...defaults, json: false};
	const number = (name: string, value: string | undefined, min: number): number => {
		const n = Number(value);
		if (value === undefined || value === '' || !Number.isFinite(n) || n < min)
			throw new Error(`${name}: '${value}' is not a number ≥ ${min}`);
		return n;
	};

	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
		const value = () => inline ?? argv[++i];
		if (flag === '--json') args.json = true;
		else if (flag === '--minutes') args.minutes = number('--minutes', value(), 0.5);
		else if (flag === '--clients') args.clients = Math.round(number('--clients', value(), 10));
		else if (flag === '--rate') args.rate = number('--rate', value(), 0);
		else if (flag === '--help' || flag === '-h') {
			process.stderr.write(
				'usage: npm run soak -- [--minutes N] [--clients N] [--rate R] [--json]\n' +
					`  --minutes N  minutes of churn (default ${defaults.minutes}; at least 0.5)\n` +
					`  --clients N  clients connected at any time (default ${defaults.clients})\n` +
					`  --rate R     clients replaced per second (default ${defaults.rate}): one leaves, one joins\n` +
					'  --json       one JSON object on stdout (use npm run -s soak -- --json: npm itself prints a banner)\n',
			);
			process.exit(0);
		} else throw new Error(`unknown argument ${argv[i]} (see --help)`);
	}

	return args;
}

function say(message: string): void {
	process.stderr.write(`${message}\n`);
}

const mb = (bytes: number) => bytes / 2 ** 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Message = {type: string; [key: string]: unknown};

/** A forked helper spoken to over IPC: waits for a message type, rejects on its errors or its exit. */
class Helper {
	readonly child: ChildProcess;
	private readonly waiting = new Map<string, {resolve: (m: Message) => void; reject: (e: Error) => void}>();
	exited = false;

	constructor(
		readonly name: string,
		script: string,
		execArgv: string[],
		onMessage: (message: Message) => void,
	) {
		// Its output goes to our stderr: only the results may reach our stdout. Ink's cursor restore
		// (a show-cursor sequence written when the process exits) is left out.
		this.child = fork(path.join(here, 'support', script), [], {cwd: repo, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc']});
		for (const stream of [this.child.stdout, this.child.stderr]) {
			stream?.on('data', (data: Buffer) => {
				const text = data.toString().replaceAll('\u001B[?25h', '');
				if (text) process.stderr.write(text);
			});
		}
		this.child.on('message', (message: Message) => {
			if (message.type === 'error') {
				const error = new Error(`${name}: ${String(message.error)}`);
				for (const waiter of this.waiting.values()) waiter.reject(error);
				this.waiting.clear();
				say(`  ${error.message}`);
				return;
			}

			const waiter = this.waiting.get(message.type);
			if (waiter) {
				this.waiting.delete(message.type);
				waiter.resolve(message);
			}

			onMessage(message);
		});
		this.child.once('exit', (code, signal) => {
			this.exited = true;
			const error = new Error(`${name} exited (${signal ?? code})`);
			for (const waiter of this.waiting.values()) waiter.reject(error);
			this.waiting.clear();
		});
	}

	/** Sends `command` and resolves with the first `answer` message, or rejects after `timeoutMs`. */
	ask(command: Message, answer: string, timeoutMs: number): Promise<Message> {
		if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiting.delete(answer);
				reject(new Error(`${this.name}: no '${answer}' within ${Math.round(timeoutMs / 1000)} s`));
			}, timeoutMs);
			this.waiting.set(answer, {
				resolve: (m) => {
					clearTimeout(timer);
					resolve(m);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				},
			});
			this.child.send(command);
		});
	}

	/** Rejects whatever is being waited for (the soak was interrupted). */
	abort(reason: string): void {
		for (const waiter of this.waiting.values()) waiter.reject(new Error(reason));
		this.waiting.clear();
	}

	/** Asks it to go (`command`), then kills it if it has not exited within `graceMs`. */
	async end(command: Message | undefined, answer: string | undefined, graceMs: number): Promise<void> {
		if (this.exited) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		if (command && answer) await this.ask(command, answer, graceMs).catch(() => {});
		await Promise.race([exited, sleep(graceMs)]);
		if (!this.exited) this.child.kill('SIGKILL');
	}
}

type Phase = 'ramp' | 'churn' | 'settle';
type Point = MemorySample & {phase: Phase; asked?: boolean};

/** Least-squares slope of y over x (per x unit), or NaN with fewer than 3 points. */
function slope(points: ReadonlyArray<[x: number, y: number]>): number {
	if (points.length < 3) return Number.NaN;
	const n = points.length;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	let sxy = 0;
	let sxx = 0;
	for (const [x, y] of points) {
		sxy += (x - mx) * (y - my);
		sxx += (x - mx) ** 2;
	}

	return sxx === 0 ? Number.NaN : sxy / sxx;
}

const bars = '▁▂▃▄▅▆▇█';

function sparkline(values: readonly number[]): string {
	if (values.length === 0) return '';
	const min = Math.min(...values);
	const max = Math.max(...values);
	return values.map((v) => bars[max === min ? 0 : Math.min(bars.length - 1, Math.floor(((v - min) / (max - min)) * bars.length))]).join('');
}

type CurveRow = {
	minute: string;
	rssMB: number;
	rssMaxMB: number;
	liveHeapMB: number;
	listed: number;
	online: number;
	brokerConnected: number | null;
	/** Events the store applied per second since the previous row (none for the first). */
	eventsPerSecond: number | null;
	tickMs: number | null;
};

/** The median of the group's tick → frame medians (points taken between regular samples have none). */
function ticked(group: readonly Point[]): number | null {
	const ticks = group.map((p) => p.tickMs).filter((ms): ms is number => ms !== null);
	return ticks.length ? round(median(ticks), 1) : null;
}

/**
 * One row per minute of churn (its last sample), preceded by the churn's start. The point taken
 * as the churn ends lands a moment after the last full minute: it counts in that minute.
 */
function curve(points: readonly Point[], churnStart: number, churnedMs: number): CurveRow[] {
	const rows: CurveRow[] = [];
	const churn = points.filter((p) => p.phase === 'churn');
	const start = churn.find((p) => p.asked) ?? churn[0];
	if (!start) return rows;
	const toRow = (minute: string, last: Point, group: readonly Point[], previous: Point): CurveRow => ({
		minute,
		rssMB: round(mb(last.rss), 1),
		rssMaxMB: round(mb(Math.max(...group.map((p) => p.rss))), 1),
		liveHeapMB: round(mb(last.liveHeap), 1),
		listed: last.listed,
		online: last.online,
		brokerConnected: last.brokerConnected,
		eventsPerSecond: last.at > previous.at ? round(((last.events - previous.events) * 1000) / (last.at - previous.at), 1) : null,
		tickMs: ticked(group),
	});
	rows.push(toRow('0', start, [start], start));
	let previous = start;
	const minutes = Math.max(1, Math.ceil((churnedMs - 2000) / 60_000));
	const minuteOf = (p: Point) => Math.min(minutes, Math.max(1, Math.ceil((p.at - churnStart) / 60_000)));
	for (let m = 1; m <= minutes; m++) {
		const group = churn.filter((p) => p !== start && minuteOf(p) === m);
		if (group.length === 0) continue;
		const last = group[group.length - 1];
		rows.push(toRow(String(m), last, group, previous));
		previous = last;
	}

	return rows;
}

function curveText(rows: readonly CurveRow[]): string {
	const header = ['min', 'RSS MB', 'max MB', 'live heap MB', 'listed', 'online', 'broker', 'events/s', 'frame ms'];
	const cells = rows.map((r) => [
		r.minute,
		r.rssMB.toFixed(1),
		r.rssMaxMB.toFixed(1),
		r.liveHeapMB.toFixed(1),
		String(r.listed),
		String(r.online),
		r.brokerConnected === null ? '?' : String(r.brokerConnected),
		r.eventsPerSecond === null ? '-' : r.eventsPerSecond.toFixed(1),
		r.tickMs === null ? '-' : r.tickMs.toFixed(1),
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (c: string[]) => c.map((text, i) => text.padStart(widths[i])).join('  ');
	return [line(header), ...cells.map(line)].join('\n');
}

function curveMarkdown(rows: readonly CurveRow[]): string {
	return [
		'| Minute | RSS (MB) | Max RSS (MB) | Live heap (MB) | Listed | Online | Broker connected | Events/s | Frame (ms) |',
		'| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.minute} | ${r.rssMB.toFixed(1)} | ${r.rssMaxMB.toFixed(1)} | ${r.liveHeapMB.toFixed(1)} | ${r.listed} | ${r.online} | ${r.brokerConnected ?? '?'} | ${r.eventsPerSecond === null ? '-' : r.eventsPerSecond.toFixed(1)} | ${r.tickMs === null ? '-' : r.tickMs.toFixed(1)} |`,
		),
	].join('\n');
}

type Check = {
	/** Sessions the store lists online; the broker's count (which includes the monitor); the fleet's own count. */
	storeOnline: number | null;
	brokerConnected: number | null;
	fleetLive: number | null;
	/** Store online = broker connected − 1 (the monitor's own connection), right after settling. */
	matched: boolean | null;
	/** If not matched at once: milliseconds until it did, or null if it never did within agreeMs. */
	matchedAfterMs: number | null;
	header: string[];
	final?: SoakMonitorFinal;
};

const agree = (f: SoakMonitorFinal) => f.brokerConnected !== null && f.online === f.brokerConnected - 1;

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	const started = new Date();
	const machine = describeMachine();
	const viaNpm = process.env.npm_lifecycle_event === 'soak';
	const extra = process.argv.slice(2).join(' ');
	const command = viaNpm
		? `npm run soak${extra ? ` -- ${extra}` : ''}`
		: `node --expose-gc dist-bench/bench/soak.js${extra ? ` ${extra}` : ''}`;
	say(`mqtt-top soak: ${command}`);
	say(`machine: ${describe(machine)}`);
	const {clients, note} = stormCapacity(args.clients);
	if (note) say(`  ${note}`);
	say(
		`  ${clients} clients, ${args.rate} replaced per second (${Math.round(newIdShare * 100)} % under new client IDs), ${subscriptionOpsPerSecond} (un)subscribes per second, ${args.minutes} min of churn; broker restarts not included (test/faults/restart-churn.test.ts covers them)`,
	);

	const points: Point[] = [];
	let phase: Phase = 'ramp';
	let churnStats: ChurnStats | undefined;
	let floor: MemorySample | undefined;
	let ready: MemorySample | undefined;
	let broker: TestBroker | undefined;
	let monitor: Helper | undefined;
	let fleet: Helper | undefined;
	let aborted: string | undefined;
	let failure: string | undefined;
	let churnStart = Number.NaN;
	let churnEnd = Number.NaN;
	const check: Check = {storeOnline: null, brokerConnected: null, fleetLive: null, matched: null, matchedAfterMs: null, header: []};

	// Bounded whatever happens: past this, everything is killed and the soak exits.
	const hardLimitMs = args.minutes * 60_000 + 10 * 60_000;
	let cleaning: Promise<void> | undefined;
	const cleanUp = () =>
		(cleaning ??= (async () => {
			await Promise.allSettled([
				monitor?.end({type: 'stop'}, 'stopped', 5000),
				fleet?.end({type: 'close'}, 'closed', 10_000).then(() => undefined),
			]);
			await broker?.stop();
		})());
	const watchdog = setTimeout(() => {
		say(`soak: still running after ${Math.round(hardLimitMs / 60_000)} min: killing everything`);
		monitor?.child.kill('SIGKILL');
		fleet?.child.kill('SIGKILL');
		void Promise.race([broker?.stop(), sleep(5000)]).then(() => process.exit(1));
	}, hardLimitMs);
	watchdog.unref();
	let interrupts = 0;
	const interrupt = (signal: NodeJS.Signals) => {
		interrupts++;
		aborted = `interrupted (${signal})`;
		if (interrupts === 1) {
			say(`\nsoak: ${signal}: stopping early; reporting what was sampled (again to quit at once)`);
			monitor?.abort(aborted);
			fleet?.abort(aborted);
		} else {
			monitor?.child.kill('SIGKILL');
			fleet?.child.kill('SIGKILL');
			void Promise.race([broker?.stop(), sleep(3000)]).then(() => process.exit(130));
		}
	};

	process.on('SIGINT', interrupt);
	process.on('SIGTERM', interrupt);
	/** Sleeps up to `ms`, waking early when the soak is interrupted. */
	const wait = async (ms: number) => {
		const until = Date.now() + ms;
		while (!aborted && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
	};

	try {
		broker = await startMosquitto({
			dynsec: true,
			logTypes: ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe'],
			extra: ['max_connections -1', 'max_keepalive 65535'],
		});
		for (const account of accounts) await broker.createUser(account.username, account.password);
		say(`  broker: Mosquitto on ${broker.url} (dynamic security, log file ${broker.logPath})`);

		monitor = new Helper('monitor', 'soak-monitor.js', ['--expose-gc'], (message) => {
			if (message.type === 'sample') points.push({...(message.sample as MemorySample), phase, asked: message.asked === true});
		});
		const start: SoakMonitorStart = {
			port: broker.port,
			username: broker.admin.username,
			password: broker.admin.password,
			logPath: broker.logPath,
			clientId: `soak-monitor-${process.pid}`,
			sampleMs,
		};
		const readied = await monitor.ask({type: 'start', start}, 'ready', 60_000);
		floor = readied.floor as MemorySample;
		ready = readied.ready as MemorySample;
		say(`  monitor: first frame drawn; RSS ${round(mb(ready.rss), 1)} MB (${round(mb(floor.rss), 1)} MB before opening the broker)`);
		if (aborted) throw new Error(aborted);

		fleet = new Helper('fleet', 'churn-fleet.js', [], (message) => {
			if (message.stats) churnStats = message.stats as ChurnStats;
		});
		const request: ChurnRequest = {
			url: broker.url,
			prefix: `soak-${process.pid}`,
			population: clients,
			batch: stormBatch,
			replacementsPerSecond: args.rate,
			newIdShare,
			subscriptionOpsPerSecond,
			accounts,
			seed: 12,
		};
		await fleet.ask({type: 'start', request}, 'ramped', 30_000 + clients * 100);
		say(`  fleet: ${churnStats?.live ?? '?'} clients connected${churnStats?.failures ? ` (${churnStats.failures} failed)` : ''}; churning`);

		phase = 'churn';
		churnStart = Date.now();
		await monitor.ask({type: 'sample'}, 'sample', 30_000);
		const churnMs = args.minutes * 60_000;
		for (let minute = 1; !aborted && Date.now() < churnStart + churnMs; minute++) {
			await wait(Math.min(60_000, churnStart + churnMs - Date.now()));
			const last = points[points.length - 1];
			if (last) {
				say(
					`  minute ${minute}/${Math.ceil(args.minutes)}: RSS ${round(mb(last.rss), 1)} MB, live heap ${round(mb(last.liveHeap), 1)} MB, ${last.online} online, broker ${last.brokerConnected ?? '?'}, ${last.listed} listed; fleet ${churnStats?.joins ?? '?'} joins, ${churnStats?.idsUsed ?? '?'} IDs used`,
				);
			}
		}

		churnEnd = Date.now();
		// Interrupted: Ctrl-C reached the broker too (one process group), so no end check.
		if (aborted) throw new Error(aborted);
		await monitor.ask({type: 'sample'}, 'sample', 30_000);
		phase = 'settle';
		churnStats = (await fleet.ask({type: 'pause'}, 'paused', 60_000)).stats as ChurnStats;
		check.fleetLive = churnStats.live;
		await sleep(settleMs);
		const settled = Date.now();
		let final = (await monitor.ask({type: 'final'}, 'final', 10_000)).final as SoakMonitorFinal;
		check.matched = agree(final);
		while (!agree(final) && Date.now() - settled < agreeMs) {
			await sleep(500);
			final = (await monitor.ask({type: 'final'}, 'final', 10_000)).final as SoakMonitorFinal;
		}

		if (!check.matched && agree(final)) check.matchedAfterMs = Date.now() - settled;
		check.final = final;
		check.storeOnline = final.online;
		check.brokerConnected = final.brokerConnected;
		check.header = final.header;
	} catch (error) {
		if (aborted) say(`soak: ${aborted}: no end check`);
		else {
			failure = (error as Error).message;
			say(`soak: ${(error as Error).stack ?? failure}`);
		}
	} finally {
		say('  cleaning up (fleet, monitor, broker)');
		await cleanUp();
		clearTimeout(watchdog);
	}

	// The report.
	const churnPoints = points.filter((p) => p.phase === 'churn');
	const startPoint = churnPoints.find((p) => p.asked) ?? churnPoints[0];
	const endPoint = churnPoints.length ? churnPoints[churnPoints.length - 1] : undefined;
	const churnedMs = (Number.isNaN(churnEnd) ? (endPoint?.at ?? churnStart) : churnEnd) - churnStart;
	const secondHalf = churnPoints.filter((p) => p.at >= churnStart + churnedMs / 2);
	const perHour = (pick: (p: Point) => number) => round(mb(slope(secondHalf.map((p) => [p.at, pick(p)])) * 3_600_000), 1);
	const rssGrowth = perHour((p) => p.rss);
	const heapGrowth = perHour((p) => p.liveHeap);
	const rows: Row[] = [];
	const population = `${clients.toLocaleString('en')} clients, ${args.rate}/s replaced`;
	const minutesRun = round(churnedMs / 60_000, 1);
	if (startPoint && endPoint) {
		const peak = churnPoints.reduce((a, b) => (b.rss > a.rss ? b : a));
		rows.push(
			row({
				id: 's1.rss-start',
				figure: `Soak: monitor RSS at churn start (${population})`,
				value: round(mb(startPoint.rss), 1),
				unit: 'MB',
				target: '(context)',
				detail: `before opening the broker ${round(mb(floor!.rss), 1)} MB; at the first frame ${round(mb(ready!.rss), 1)} MB; live heap at churn start ${round(mb(startPoint.liveHeap), 1)} MB`,
			}),
			row({
				id: 's2.rss-peak',
				figure: 'Soak: monitor RSS peak during the churn',
				value: round(mb(peak.rss), 1),
				unit: 'MB',
				target: '(context)',
				detail: `at minute ${round((peak.at - churnStart) / 60_000, 1)}`,
			}),
			row({
				id: 's3.rss-end',
				figure: `Soak: monitor RSS after ${minutesRun} min of churn`,
				value: round(mb(endPoint.rss), 1),
				unit: 'MB',
				target: '(context)',
				detail: `live heap ${round(mb(endPoint.liveHeap), 1)} MB; ${endPoint.listed} sessions listed; ${endPoint.events.toLocaleString('en')} events applied`,
			}),
			Number.isFinite(rssGrowth)
				? row({
						id: 's4.rss-growth',
						figure: 'Soak: RSS growth per hour (linear fit, second half of the churn)',
						value: rssGrowth,
						unit: 'MB/h',
						target: '(no target; ≈ 0 means no leak)',
						detail: `${secondHalf.length} samples from minute ${round(churnedMs / 2 / 60_000, 1)} on`,
					})
				: notMeasured('s4.rss-growth', 'Soak: RSS growth per hour (second half)', '(no target)', 'fewer than 3 samples in the second half'),
			Number.isFinite(heapGrowth)
				? row({
						id: 's5.heap-growth',
						figure: 'Soak: live heap growth per hour (after GC, linear fit, second half)',
						value: heapGrowth,
						unit: 'MB/h',
						target: '(no target; ≈ 0 means no leak)',
					})
				: notMeasured(
						's5.heap-growth',
						'Soak: live heap growth per hour (second half)',
						'(no target)',
						'fewer than 3 samples in the second half',
					),
		);
	} else {
		rows.push(notMeasured('s1.rss-start', 'Soak: monitor RSS', '(context)', failure ?? aborted ?? 'no samples'));
	}

	if (check.storeOnline !== null && check.brokerConnected !== null) {
		const difference = check.storeOnline - (check.brokerConnected - 1);
		rows.push(
			row({
				id: 's6.sessions',
				figure: "Soak: end, store's online sessions − broker's $SYS/broker/clients/connected (less the monitor)",
				value: difference,
				unit: 'sessions',
				target: '= 0',
				goal: {op: '=', limit: 0},
				detail: `store ${check.storeOnline} online, broker ${check.brokerConnected} connected (the monitor included), the fleet ${check.fleetLive ?? '?'} connected; ${
					check.matched
						? `agreed ${settleMs / 1000} s after the churn stopped`
						: check.matchedAfterMs !== null
							? `agreed after ${settleMs + check.matchedAfterMs} ms`
							: `still different ${(settleMs + agreeMs) / 1000} s after the churn stopped`
				}`,
			}),
		);
	} else {
		rows.push(
			notMeasured('s6.sessions', "Soak: store's online sessions vs the broker's count", '= 0', failure ?? aborted ?? 'no final count'),
		);
	}

	const curveRows = Number.isNaN(churnStart) ? [] : curve(points, churnStart, churnedMs);
	const line = sparkline(churnPoints.map((p) => p.rss));
	const rssRange = churnPoints.length
		? `${round(mb(Math.min(...churnPoints.map((p) => p.rss))), 1)}–${round(mb(Math.max(...churnPoints.map((p) => p.rss))), 1)} MB`
		: '';
	const durationMs = Date.now() - started.getTime();
	const complete =
		!aborted && !failure && args.minutes >= defaults.minutes && args.clients === defaults.clients && args.rate === defaults.rate;
	const markdownFile = path.join(repo, 'bench', 'last-soak.md');
	if (complete) {
		writeFileSync(
			markdownFile,
			`${markdownTable(rows, machine, command, started)}\nRSS every ${sampleMs / 1000} s of the churn (${rssRange}): \`${line}\`\n\n${curveMarkdown(curveRows)}\n`,
		);
	}

	const ok = !failure && check.matched !== null;
	if (args.json) {
		process.stdout.write(
			`${JSON.stringify(
				{
					command,
					machine,
					startedAt: started.toISOString(),
					durationMs,
					soakOk: ok,
					aborted: aborted ?? null,
					error: failure ?? null,
					options: {minutes: args.minutes, clients, replacementsPerSecond: args.rate, newIdShare, subscriptionOpsPerSecond, sampleMs},
					results: rows,
					churn: churnStats ?? null,
					check,
					floor: floor ?? null,
					curve: curveRows,
					samples: points,
				},
				null,
				2,
			)}\n`,
		);
	} else {
		const out = [
			'',
			`mqtt-top soak: ${command}`,
			`machine: ${describe(machine)}`,
			'',
			textTable(rows),
			'',
			`RSS every ${sampleMs / 1000} s of the churn (${rssRange}):`,
			`  ${line}`,
			'',
			curveText(curveRows),
			'',
		];
		if (churnStats) {
			out.push(
				`fleet: ${churnStats.joins.toLocaleString('en')} joins (${churnStats.newIds.toLocaleString('en')} under new IDs, ${churnStats.reusedIds.toLocaleString('en')} reusing one), ${churnStats.leaves.toLocaleString('en')} leaves, ${churnStats.subscribes.toLocaleString('en')} extra subscribes, ${churnStats.unsubscribes.toLocaleString('en')} unsubscribes, ${churnStats.idsUsed.toLocaleString('en')} client IDs used, ${churnStats.lost} connections lost, ${churnStats.failures} failures${churnStats.skippedTicks ? `, ${churnStats.skippedTicks} ticks skipped (the fleet fell behind)` : ''}${churnStats.errors.length ? `; first errors: ${churnStats.errors.join(' | ')}` : ''}`,
			);
		}

		if (check.header.length) out.push('monitor header at the end:', ...check.header.map((h) => `  ${h}`));
		out.push(
			'',
			`${complete ? `curve written to ${path.relative(repo, markdownFile)}` : `${path.relative(repo, markdownFile)} not updated (only a full ${defaults.minutes}-minute run with the default population writes it)`} (${Math.round(durationMs / 1000)} s in all)`,
		);
		if (aborted) out.push(`soak ${aborted}`);
		process.stdout.write(`${out.join('\n')}\n`);
	}

	return failure ? 1 : aborted ? 130 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		say(`soak: ${(error as Error)?.stack ?? String(error)}`);
		process.exit(2);
	},
);
