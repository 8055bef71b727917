// `npm run bench`: measures the figures of the performance issue in one run and prints a table
// with target and pass/fail. `--json` prints one JSON object instead (and nothing else on stdout).
// Exit code 0 when the bench ran, whatever the figures; non-zero only when the bench itself broke.
//
//   node --expose-gc dist-bench/bench/run.js [--json] [--quick] [--only=ingest,storm,...] [--profile]
// Figures run with React's production build, as the CLI does; the machine line reports it.
import '../source/production-mode.js';
import {fork} from 'node:child_process';
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describeMachine} from './support/machine.js';
import {summarizeFile} from './support/profile-summary.js';
import {describe, jsonResult, markdownTable, textTable} from './support/report.js';
import {meets, notMeasured, type Row} from './support/report-types.js';
import {applyTargets} from './support/targets.js';
import {median, round} from './support/stats.js';

type Job = {
	figure: string;
	/** The figure's number in the table: its rows' ids start with it (e.g. 5 for "5b.input-p95-busy"). */
	number: number;
	/** Separate processes, each one run: for figures a used heap would distort (memory). */
	processes: number;
	timeoutMs: number;
	/** Rows to show if the job fails, so a broken figure is never a silent gap (targets: support/targets.ts). */
	rows: Array<[id: string, figure: string, target: string]>;
};

const jobs: Job[] = [
	{
		figure: 'ingest',
		number: 1,
		processes: 1,
		timeoutMs: 300_000,
		rows: [
			['1.ingest', 'Ingest: log lines through parser + store', '>= 2,000,000 lines/s'],
			['1b.ingest-floor-split', 'Ingest floor: the same text cut into lines only', '(context)'],
			['1c.ingest-floor-regex', 'Ingest floor: cut into lines + one anchored regex each', '(context)'],
		],
	},
	{
		figure: 'storm',
		number: 2,
		processes: 1,
		timeoutMs: 300_000,
		rows: [
			['2a.storm-ratio', 'Live storm: events applied / reference messages', '= 1.0 (nothing lost)'],
			['2b.storm-lag', 'Live storm: lag, reference last message → store applied it', '<= 500 ms'],
		],
	},
	{
		figure: 'frame-time',
		number: 3,
		processes: 1,
		// A million sessions take a minute or more to fill on a busy two-core machine.
		timeoutMs: 900_000,
		rows: [
			['3.median@100k', 'Frame time @100,000 sessions: median', '<= 8 ms'],
			['3.p99@100k', 'Frame time @100,000 sessions: p99', '<= 16 ms'],
			['3.median@1m', 'Frame time @1,000,000 sessions: median', '<= 16 ms'],
		],
	},
	{figure: 'memory', number: 4, processes: 3, timeoutMs: 120_000, rows: [['4a.memory-rss', 'Memory: RSS @100,000 sessions', '<= 250 MB']]},
	{
		figure: 'input-latency',
		number: 5,
		processes: 1,
		// Two rounds of storms: the quiet machine, then one core kept busy.
		timeoutMs: 600_000,
		rows: [
			['5.input-p95', 'Input latency p95: key → next frame, during the storm', 'p95 <= 50 ms'],
			['5b.input-p95-busy', 'Input latency p95 during the storm, another process keeping one core busy', 'p95 <= 50 ms'],
		],
	},
	{
		figure: 'startup',
		number: 6,
		processes: 1,
		timeoutMs: 180_000,
		rows: [
			['6.startup', 'Start-up: process start → first frame', '<= 300 ms'],
			['6b.startup-unbundled', 'Start-up of the unbundled build, for comparison', 'none (context)'],
		],
	},
	{
		figure: 'replay',
		number: 7,
		processes: 1,
		timeoutMs: 180_000,
		rows: [['7.replay', 'Log replay: lines/s on a 1,000,000-line file log', '(no target)']],
	},
	{
		figure: 'reconcile',
		number: 8,
		processes: 1,
		timeoutMs: 180_000,
		rows: [
			['8a.reconcile-first', 'Snapshot reconcile: first 100,000-session listing', '<= 500 ms'],
			['8b.reconcile-repeat', 'Snapshot reconcile: the same 100,000-session listing again', '<= 500 ms'],
			['8c.reconcile-heap', 'Snapshot reconcile: store heap @100,000 sessions', '(context)'],
		],
	},
	{
		figure: 'two-brokers',
		number: 9,
		processes: 1,
		timeoutMs: 600_000,
		rows: [
			['9a.two-brokers-ratio', 'Two brokers (storm on one, other idle): events applied / reference messages', '= 1.0 (nothing lost)'],
			['9b.two-brokers-lag', 'Two brokers: lag, reference last message → store applied it', '<= 500 ms'],
			['9c.two-brokers-frame', 'Two brokers: refresh tick → frame during the storm, median', '(context)'],
			['9d.two-brokers-input-p95', 'Two brokers: input latency p95 during the storm', 'p95 <= 50 ms'],
		],
	},
	{
		figure: 'million',
		number: 4,
		processes: 1,
		timeoutMs: 600_000,
		rows: [
			['4c.memory-rss@1m', 'Memory: RSS @1,000,000 sessions', '<= 1,536 MB (1.5 GB)'],
			[
				'4d.list-json-peak',
				'list --json @1,000,000 sessions: peak RSS while writing / RSS before',
				'< 2× (streams: memory does not double)',
			],
			['4e.memory-heap@1m', 'Memory: heap used @1,000,000 sessions', '(context)'],
		],
	},
];

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const worker = path.join(here, 'worker.js');

type Args = {json: boolean; quick: boolean; only?: Set<string>; profile: boolean};

function parseArgs(argv: string[]): Args {
	const args: Args = {json: false, quick: false, profile: false};
	for (const arg of argv) {
		if (arg === '--json') args.json = true;
		else if (arg === '--quick') args.quick = true;
		else if (arg === '--profile') args.profile = true;
		else if (arg.startsWith('--only=')) args.only = new Set(arg.slice(7).split(','));
		else if (arg === '--help' || arg === '-h') {
			process.stderr.write(
				`usage: npm run bench -- [--json] [--quick] [--only=${jobs.map((j) => j.figure).join(',')}] [--profile]\n` +
					'  --json     one JSON object on stdout (use npm run -s bench -- --json: npm itself prints a banner)\n' +
					'  --quick    smaller sizes and fewer runs: checks the bench works, the figures mean little\n' +
					'  --profile  run every figure under --cpu-prof; hot spots go to stderr, profiles to dist-bench/profiles/\n',
			);
			process.exit(0);
		} else throw new Error(`unknown argument ${arg} (see --help)`);
	}

	if (args.only) for (const name of args.only) if (!jobs.some((j) => j.figure === name)) throw new Error(`--only: no figure '${name}'`);
	return args;
}

function say(message: string): void {
	process.stderr.write(`${message}\n`);
}

/** One worker process: resolves with its rows, rejects on a crash, a timeout or no answer. */
function runWorker(job: Job, args: Args, profileDir: string | undefined): Promise<Row[]> {
	const execArgv = ['--expose-gc'];
	if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
	// The worker's stdout goes to our stderr: only the results may reach our stdout.
	const child = fork(worker, [job.figure, JSON.stringify({quick: args.quick})], {cwd: repo, execArgv, stdio: ['ignore', 2, 2, 'ipc']});
	return new Promise((resolve, reject) => {
		let answer: {rows?: Row[]; error?: string} | undefined;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`timed out after ${job.timeoutMs / 1000} s`));
		}, job.timeoutMs);
		child.on('message', (message: {rows?: Row[]; error?: string}) => {
			answer = message;
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			if (answer?.rows) resolve(answer.rows);
			else reject(new Error(answer?.error ?? `worker exited (${signal ?? code}) without results`));
		});
	});
}

/** Rows of the same figure from several processes become one row over all their runs. */
function merge(batches: Row[][]): Row[] {
	if (batches.length === 1) return batches[0];
	return batches[0].map((first) => {
		const runs = batches.flatMap((rows) => rows.find((r) => r.id === first.id)?.runs ?? []);
		const value = runs.length ? round(median(runs), 2) : first.value;
		return {
			...first,
			value,
			runs,
			pass: meets(value, first.goal),
			detail: first.detail ? `${first.detail}; median of ${runs.length} processes` : undefined,
		};
	});
}

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	const started = new Date();
	const machine = describeMachine();
	const viaNpm = process.env.npm_lifecycle_event === 'bench';
	const extra = process.argv.slice(2).join(' ');
	const command = viaNpm
		? `npm run bench${extra ? ` -- ${extra}` : ''}`
		: `node --expose-gc dist-bench/bench/run.js${extra ? ` ${extra}` : ''}`;
	say(`mqtt-top bench: ${command}`);
	say(`machine: ${describe(machine)}`);

	let rows: Row[] = [];
	let broken = false;
	const ran = new Set<number>();
	const profileRoot = args.profile ? path.join(repo, 'dist-bench', 'profiles') : undefined;
	const summaries: string[] = [];
	for (const job of jobs) {
		if (args.only && !args.only.has(job.figure)) continue;
		ran.add(job.number);
		const began = performance.now();
		say(`\n[${job.figure}]`);
		const profileDir = profileRoot ? path.join(profileRoot, job.figure) : undefined;
		if (profileDir) {
			rmSync(profileDir, {recursive: true, force: true});
			mkdirSync(profileDir, {recursive: true});
		}
		try {
			const batches: Row[][] = [];
			for (let i = 0; i < (args.quick ? 1 : job.processes); i++) batches.push(await runWorker(job, args, profileDir));
			rows.push(...merge(batches));
		} catch (error) {
			broken = true;
			say(`  ${job.figure} failed: ${(error as Error).message}`);
			rows.push(
				...job.rows.map(([id, figure, target]) =>
					notMeasured(id, figure, target, `the bench failed: ${(error as Error).message.split('\n')[0]}`),
				),
			);
		}

		say(`  (${Math.round((performance.now() - began) / 1000)} s)`);
		if (profileDir) {
			for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
				const summary = summarizeFile(path.join(profileDir, file), 15, repo);
				summaries.push(`[${job.figure}] ${summary}`);
				say(summary);
			}
		}
	}

	rows = applyTargets(rows, (id) => ran.has(Number.parseInt(id, 10)));
	if (profileRoot) writeFileSync(path.join(profileRoot, 'summary.txt'), `${summaries.join('\n\n')}\n`);
	// Only a complete run may replace the README table: a --quick or --only table would mislead.
	const markdownFile = path.join(repo, 'bench', 'last-results.md');
	const complete = !args.quick && !args.only;
	if (complete) writeFileSync(markdownFile, markdownTable(rows, machine, command, started));
	const durationMs = Date.now() - started.getTime();
	if (args.json) {
		process.stdout.write(
			`${JSON.stringify({command, machine, startedAt: started.toISOString(), durationMs, benchOk: !broken, results: rows.map(jsonResult)}, null, 2)}\n`,
		);
	} else {
		process.stdout.write(`\nmqtt-top bench: ${command}\nmachine: ${describe(machine)}\n\n${textTable(rows)}\n\n`);
		const table = complete
			? `README table: ${path.relative(repo, markdownFile)}`
			: `${path.relative(repo, markdownFile)} not updated (partial run)`;
		process.stdout.write(`${table} (${Math.round(durationMs / 1000)} s in all)\n`);
	}

	return broken ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		say(`bench: ${(error as Error)?.stack ?? String(error)}`);
		process.exit(2);
	},
);
