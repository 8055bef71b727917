import {execFile, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {startMosquitto} from '../support/broker.js';
import {log, type FigureOptions} from '../support/figure.js';
import {notMeasured, row, type Row} from '../support/report-types.js';
import {median, round} from '../support/stats.js';

const run = promisify(execFile);
const repo = process.cwd();
// MQTT_TOP_BENCH_CLI points the figure at another build of the CLI (e.g. a bundled one) to compare.
const cli = path.resolve(repo, process.env.MQTT_TOP_BENCH_CLI ?? path.join('dist', 'bin', 'cli.js'));

/** Shell-quotes one argument for the command line tmux runs. */
function quote(arg: string): string {
	return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `command` in a fresh tmux server (its own socket, an 80×24 pane) and watches the pane
 * until `ready` matches: the time an operator waits to see the monitor. The clock starts before
 * tmux does, so tmux's own start-up is included (measured separately as the baseline).
 *
 * One tmux client in control mode (-C) starts the session and stays attached: it is told of
 * every write to the pane (%output) and only then asked for the screen (capture-pane), over its
 * own stdin. Polling with a new `tmux capture-pane` process every few milliseconds instead kept a
 * core busy forking, which delayed the monitor's own first frame by a third on two cores.
 */
async function timeToScreen(
	command: string,
	ready: (screen: string) => boolean,
	timeoutMs = 15_000,
): Promise<{ms: number; screen: string}> {
	const socket = `mqtt-top-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const started = performance.now();
	const tmux = spawn('tmux', ['-L', socket, '-f', '/dev/null', '-C', 'new-session', '-x', '80', '-y', '24', '-s', 'bench', command], {
		stdio: ['pipe', 'pipe', 'ignore'],
	});
	let screen = '';
	try {
		return await new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`no first frame within ${timeoutMs / 1000} s; the pane showed:\n${screen}`)),
				timeoutMs,
			);
			// Replies to our own commands come between %begin and %end lines whose last field is 1.
			let reply: string[] | undefined;
			let asked = false;
			let outputSinceAsked = false;
			const ask = () => {
				asked = true;
				outputSinceAsked = false;
				tmux.stdin.write('capture-pane -p -t bench\n');
			};
			let pending = '';
			tmux.stdout.setEncoding('utf8');
			tmux.stdout.on('data', (chunk: string) => {
				pending += chunk;
				let newline: number;
				while ((newline = pending.indexOf('\n')) >= 0) {
					const line = pending.slice(0, newline);
					pending = pending.slice(newline + 1);
					if (reply !== undefined) {
						if (!/^%(end|error) \d+ \d+ 1$/.test(line)) {
							reply.push(line);
							continue;
						}

						screen = reply.join('\n');
						reply = undefined;
						asked = false;
						if (ready(screen)) {
							clearTimeout(timer);
							resolve({ms: performance.now() - started, screen});
							return;
						}

						if (outputSinceAsked) ask();
					} else if (/^%begin \d+ \d+ 1$/.test(line) && asked) {
						reply = [];
					} else if (line.startsWith('%output ')) {
						if (asked) outputSinceAsked = true;
						else ask();
					}
				}
			});
			tmux.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`tmux exited (${code}) before the first frame; the pane showed:\n${screen}`));
			});
		});
	} finally {
		await run('tmux', ['-L', socket, 'kill-server']).catch(() => {});
		tmux.kill();
		// kill-server can leave its socket file behind; one per run would pile up in /tmp.
		rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {force: true});
	}
}

/** The header's first lines: the name, and the population line that needs a snapshot. */
const monitorDrawn = (screen: string) => screen.includes('mqtt-top') && /known \d+/.test(screen);

/**
 * Figure 6: `node dist/bin/cli.js` (the bundled CLI) started in a real pseudo-terminal (tmux) against a real, empty
 * Mosquitto with dynamic security, to the first frame of the monitor.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const target = '<= 300 ms';
	const id = '6.startup';
	const figure = 'Start-up: process start → first frame (empty broker, tmux pty)';
	if (!existsSync(cli)) return [notMeasured(id, figure, target, `${path.relative(repo, cli)} missing: run npm run build first`)];
	try {
		await run('tmux', ['-V']);
	} catch {
		return [notMeasured(id, figure, target, 'tmux is not installed')];
	}

	const runs = options.runs ?? (options.quick ? 2 : 5);
	const broker = await startMosquitto();
	const home = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-bench-home-'));
	try {
		// The admin account of the broker's dynamic security: the monitor probes it at start.
		const env = `HOME=${quote(home)} XDG_STATE_HOME=${quote(home)} MQTT_TOP_PASSWORD=${quote(broker.admin.password)}`;
		const command = `env ${env} ${quote(process.execPath)} ${quote(cli)} -h 127.0.0.1 -p ${broker.port} -u ${broker.admin.username} --audit-log ${quote(path.join(home, 'audit.log'))}`;
		// What tmux alone costs to show a line: subtracted by nobody, reported for context.
		const baselines: number[] = [];
		for (let i = 0; i < Math.min(runs, 3); i++)
			baselines.push((await timeToScreen(`sh -c 'echo mqtt-top known 0; sleep 30'`, monitorDrawn)).ms);
		// The shipped bundle, and tsc's unbundled output loading node_modules, in alternate runs so
		// both see the same machine load: the evidence for shipping a bundle at all.
		const unbundled = path.join(repo, 'dist', 'cli.js');
		const compare = process.env.MQTT_TOP_BENCH_CLI === undefined && existsSync(unbundled);
		const times: number[] = [];
		const unbundledTimes: number[] = [];
		for (let i = 0; i < runs; i++) {
			const {ms} = await timeToScreen(command, monitorDrawn);
			times.push(ms);
			log(`startup run ${i + 1}/${runs}: ${round(ms, 0)} ms`);
			if (compare) {
				const other = await timeToScreen(command.replace(quote(cli), quote(unbundled)), monitorDrawn);
				unbundledTimes.push(other.ms);
				log(`startup run ${i + 1}/${runs}, unbundled: ${round(other.ms, 0)} ms`);
			}
		}

		const rows = [
			row({
				id,
				figure,
				value: round(median(times), 0),
				unit: 'ms',
				target,
				goal: {op: '<=', limit: 300},
				runs: times.map((t) => round(t, 0)),
				detail: `${path.relative(repo, cli)}; median of ${runs}; includes connecting, subscribing and the dynamic-security probe; tmux alone takes ~${round(median(baselines), 0)} ms to show a line (included; the pane is read when tmux reports output, by one control-mode client)`,
			}),
		];
		if (compare) {
			rows.push(
				row({
					id: '6b.startup-unbundled',
					figure: 'Start-up of the unbundled build (dist/cli.js + node_modules), for comparison',
					value: round(median(unbundledTimes), 0),
					unit: 'ms',
					target: 'none (context)',
					runs: unbundledTimes.map((t) => round(t, 0)),
					detail: `bundle / unbundled = ${round(median(times) / median(unbundledTimes), 2)}; runs alternate with the bundle's`,
				}),
			);
		}

		return rows;
	} finally {
		await broker.stop();
		rmSync(home, {recursive: true, force: true});
	}
}
