#!/usr/bin/env node
import './production-mode.js';
import type {ReplayProgress} from './broker/mosquitto/log-file/index.js';
import {openFleet, type OpenedFleet} from './broker/open-fleet.js';
import {chooseNode} from './commands/choose-node.js';
import {buildConfig, configForNode, type Config} from './config.js';
import {defaultAlertLog} from './alerts/alert-log.js';
import {compileRules} from './alerts/rules.js';
import {ExitCode, UserError} from './errors.js';
import {help, packageVersion, parseCli} from './cli-flags.js';
import {demoBrokerChoices, demoDialects, type DemoBrokerChoice, type DemoDialect} from './demo/broker-choice.js';
import {maskedArguments, passwordWarning} from './password-warning.js';

type Cli = ReturnType<typeof parseCli>;

function oneArgument(cli: Cli, what: string): string {
	const [, target, extra] = cli.input;
	if (target === undefined || target === '' || extra !== undefined) {
		throw new UserError(`${cli.input[0]} takes exactly one ${what} (quote it if it contains spaces)`, ExitCode.usage);
	}

	return target;
}

/** Opens every broker (and its log file), waits for the log replays, runs, and always closes. */
async function withFleet(config: Config, run: (fleet: OpenedFleet) => Promise<number>): Promise<number> {
	const fleet = await openFleet(fleetConfigs(config));
	try {
		await Promise.all(fleet.nodes.map((node) => node.logFile?.replayed));
		return await run(fleet);
	} finally {
		await fleet.close();
	}
}

function fleetConfigs(config: Config): Config[] {
	return config.nodes.map((node) => configForNode(config, node));
}

async function monitor(config: Config, brokerLabel: string | undefined, flags: Cli['flags']): Promise<number> {
	const rules = compileRules(config.alerts ?? []);
	const at = flags.at;
	// A bad --at fails before anything connects; whether the log reaches back that far is seen once it is read.
	const moment = at === undefined ? undefined : (await import('./commands/list-at.js')).parseAt(at, Date.now());
	if (moment !== undefined && moment > Date.now() + 2000) throw new UserError(`--at ${at} is in the future`, ExitCode.notInHistory);
	// Before anything connects: without a terminal there is nothing to show.
	if (!process.stdout.isTTY || !process.stdin.isTTY) return (await import('./commands/monitor.js')).runMonitor(config);
	// The UI's modules load while the brokers answer: start-up pays for the slower of the two, not both.
	const ui = import('./commands/monitor.js');
	let progress: ReplayProgress | undefined;
	const fleet = await openFleet(fleetConfigs(config), {onProgress: (p) => (progress = p), waitForActions: false});
	const {runMonitor} = await ui;
	const {HistorySource} = await import('./history/history-source.js');
	const {journalPath} = await import('./history/journal.js');
	const configs = fleetConfigs(config);
	const history = fleet.nodes.map(
		(opened, i) =>
			new HistorySource({
				name: opened.node.name,
				store: opened.store,
				logPath: opened.logChoice?.path,
				timestampFormat: configs[i]?.logTimestampFormat,
				ownClientId: configs[i]?.clientId,
				// The demo's broker is gone when it quits: its history is kept in memory only. Polled
				// brokers (REST) apply no events to record, so they get no journal that would look empty.
				journal:
					brokerLabel === undefined && !opened.logChoice && configs[i]?.brokerType === 'mosquitto'
						? journalPath(opened.node.name)
						: undefined,
			}),
	);
	// The log file's line in the header is for one broker; in a fleet each node's line says its state.
	const {logFile, logChoice} = fleet.nodes.length === 1 ? fleet.nodes[0] : {logFile: undefined, logChoice: undefined};
	let startMissing = false;
	void logFile?.replayed.then(
		(stats) => (startMissing = !stats.startFound),
		() => {},
	);
	try {
		return await runMonitor(config, {
			nodes: fleet.nodes,
			brokerLabel,
			history,
			at: moment,
			alerts: {
				rules,
				log: flags.alertLog ?? defaultAlertLog(config.auditLog),
				bell: flags.bell,
				ready: new Map(fleet.nodes.flatMap((n) => (n.logFile ? [[n.node.name, n.logFile.replayed] as const] : []))),
			},
			logFile:
				logFile && logChoice
					? () => {
							const status = logFile.status();
							return {
								path: logChoice.path,
								reason: logChoice.reason,
								state: status.state,
								progress,
								startMissing,
								error: status.error,
								notice: status.notice,
							};
						}
					: undefined,
		});
	} finally {
		for (const source of history) source.close();
		await fleet.close();
	}
}

async function main(argv: string[]): Promise<number> {
	let cli: Cli;
	try {
		cli = parseCli(argv);
	} catch (error) {
		throw new UserError(`${(error as Error).message.split('\n')[0]} (see mqtt-top --help)`, ExitCode.usage);
	}

	const {flags} = cli;
	if (flags.help) {
		process.stdout.write(help.trimStart());
		return ExitCode.ok;
	}

	if (flags.version) {
		process.stdout.write(`${packageVersion() ?? 'unknown'}\n`);
		return ExitCode.ok;
	}

	if (flags.json && flags.csv) throw new UserError('--json and --csv cannot be combined', ExitCode.usage);
	if (!(flags.wait >= 0 && flags.wait <= 3600))
		throw new UserError(`--wait: ${flags.wait} is out of range (0 to 3600 seconds)`, ExitCode.usage);
	const command = cli.input[0] ?? 'monitor';
	const known = ['monitor', 'list', 'kick', 'block', 'unblock', 'watch'];
	if (!known.includes(command)) {
		throw new UserError(`unknown command '${command}' (use ${known.slice(1).join(', ')}, or none for the monitor)`, ExitCode.usage);
	}

	if ((flags.alert.length > 0 || flags.alertLog !== undefined) && !['monitor', 'watch'].includes(command)) {
		throw new UserError('--alert and --alert-log are for the monitor and watch', ExitCode.usage);
	}

	if (flags.exitOnAlert && command !== 'watch') throw new UserError('--exit-on-alert is for watch', ExitCode.usage);

	if (flags.node !== undefined && !['kick', 'block', 'unblock'].includes(command)) {
		throw new UserError('--node picks the broker for kick, block and unblock (the monitor and list show every broker)', ExitCode.usage);
	}

	if (flags.at !== undefined && !['monitor', 'list'].includes(command)) {
		throw new UserError('--at shows the past: it goes with list or the monitor, not with actions', ExitCode.usage);
	}

	if (!flags.demo) {
		for (const [flag, value] of [
			['--demo-broker', flags.demoBroker],
			['--demo-dialect', flags.demoDialect],
		] as const) {
			if (value !== undefined) throw new UserError(`${flag} is a demo setting: add --demo`, ExitCode.usage);
		}

		const config = buildConfig(flags);
		for (const line of config.warnings) process.stderr.write(`mqtt-top: ${line}\n`);
		const warning = passwordWarning(flags);
		if (warning) {
			process.stderr.write(`mqtt-top: ${warning}\n`);
			process.title = ['mqtt-top', ...maskedArguments(argv, flags)].join(' ');
		}

		return runCommand(cli, command, config);
	}

	const dialect = flags.demoDialect;
	if (dialect !== undefined && !(demoDialects as readonly string[]).includes(dialect)) {
		throw new UserError(`--demo-dialect: '${dialect}' is not one of ${demoDialects.join(', ')}`, ExitCode.usage);
	}

	// A log dialect is the embedded broker's: a real Mosquitto writes its own version's lines.
	const demoBroker = flags.demoBroker ?? (dialect === undefined ? 'auto' : 'embedded');
	if (!(demoBrokerChoices as readonly string[]).includes(demoBroker)) {
		throw new UserError(`--demo-broker: '${demoBroker}' is not one of ${demoBrokerChoices.join(', ')}`, ExitCode.usage);
	}

	if (dialect !== undefined && demoBroker !== 'embedded') {
		throw new UserError(`--demo-dialect sets the embedded broker's log lines: drop it, or use --demo-broker embedded`, ExitCode.usage);
	}

	const connection = ['host', 'port', 'url', 'brokers', 'brokerType', 'apiUrl', 'username', 'password', 'cafile', 'cert', 'key'] as const;
	const clash = connection.find((name) => flags[name] !== undefined);
	if (clash)
		throw new UserError(`--demo runs its own broker: drop --${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, ExitCode.usage);

	// The demo is a real broker on loopback: everything below runs the same code as production.
	const {startDemo} = await import('./demo/index.js');
	const demo = await startDemo({
		clients: flags.demoClients,
		broker: demoBroker as DemoBrokerChoice,
		dialect: dialect as DemoDialect | undefined,
		// Only problems: the header already says which broker runs, and progress lines would be
		// the first thing a user sees, or land on top of the monitor's screen.
		warn: (line) => process.stderr.write(`mqtt-top demo: ${line}\n`),
	});
	const stop = () => void demo.stop();
	process.once('SIGTERM', stop);
	try {
		// The demo's broker is not the one that writes the host's default log file.
		const config = buildConfig({
			...flags,
			logFile: flags.logFile ?? false,
			host: demo.host,
			port: demo.port,
			username: demo.username,
			password: demo.password,
		});
		return await runCommand(cli, command, config, demo.brokerLabel);
	} finally {
		process.off('SIGTERM', stop);
		await demo.stop();
	}
}

async function runCommand(cli: Cli, command: string, config: Config, brokerLabel?: string): Promise<number> {
	const {flags} = cli;
	const actionOptions = (config: Config) => ({
		yes: flags.yes,
		forceTakeover: flags.forceTakeover,
		auditLog: config.auditLog,
		readOnly: config.readOnly,
	});
	const settle = () => new Promise((r) => setTimeout(r, flags.wait * 1000));

	switch (command) {
		case 'list': {
			if (flags.at !== undefined) {
				const {runListAt} = await import('./commands/list-at.js');
				return runListAt(fleetConfigs(config), {
					at: flags.at,
					format: flags.json ? 'json' : flags.csv ? 'csv' : 'table',
					filter: config.filter,
					warn: (line) => process.stderr.write(`mqtt-top: ${line}\n`),
				});
			}

			const {runList} = await import('./commands/list.js');
			return withFleet(config, async (fleet) => {
				// What could be read is printed; a broker that could not be is said, and the exit code says so too.
				let down: ReturnType<typeof fleet.down> = [];
				const code = await runList(fleet.nodes, {
					format: flags.json ? 'json' : flags.csv ? 'csv' : 'table',
					filter: config.filter,
					waitSeconds: flags.wait,
					leaveOut() {
						down = fleet.nodes.length > 1 ? fleet.down() : [];
						return new Set(down.map(({node}) => node.name));
					},
				});
				for (const {node} of down)
					process.stderr.write(
						`mqtt-top: node ${node.name} is down (${node.connection().detail ?? 'not connected'}): its sessions are not listed\n`,
					);
				return down.length > 0 ? ExitCode.unreachable : code;
			});
		}

		case 'watch': {
			if (cli.input.length > 1) throw new UserError(`watch takes no arguments: give rules with --alert`, ExitCode.usage);
			if (flags.csv) throw new UserError('watch prints tab-separated lines, or JSON lines with --json: drop --csv', ExitCode.usage);
			const rules = compileRules(config.alerts ?? []);
			if (rules.length === 0) {
				throw new UserError("watch needs at least one rule: --alert 'down:FILTER' (or up:FILTER, count<N, flaps>N)", ExitCode.usage);
			}

			const {runWatch} = await import('./commands/watch.js');
			const fleet = await openFleet(fleetConfigs(config));
			try {
				return await runWatch(fleet.nodes, {
					rules,
					json: flags.json,
					exitOnAlert: flags.exitOnAlert,
					alertLog: flags.alertLog ?? defaultAlertLog(config.auditLog),
				});
			} finally {
				await fleet.close();
			}
		}

		case 'kick': {
			const target = oneArgument(cli, 'client ID');
			const {runKick} = await import('./commands/account-actions.js');
			return withFleet(config, async (fleet) => {
				await settle();
				return runKick(chooseNode(fleet.nodes, flags.node, {clientId: target}), target, actionOptions(config));
			});
		}

		case 'block':
		case 'unblock': {
			const target = oneArgument(cli, 'username');
			const {runBlock, runUnblock} = await import('./commands/account-actions.js');
			return withFleet(config, async (fleet) => {
				await settle();
				const opened = chooseNode(fleet.nodes, flags.node, {username: target});
				return command === 'block' ? runBlock(opened, target, actionOptions(config)) : runUnblock(opened, target, actionOptions(config));
			});
		}

		default: {
			return monitor(config, brokerLabel, flags);
		}
	}
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
		// mqtt.js and timers may linger; the work is done.
		setTimeout(() => process.exit(code), 50).unref();
	},
	(error: unknown) => {
		if (error instanceof UserError) {
			process.stderr.write(`mqtt-top: ${error.message}\n`);
			process.exit(error.exitCode);
		}

		process.stderr.write(`mqtt-top: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
		process.exit(ExitCode.internal);
	},
);
