import {render} from 'ink';
import {AlertLog} from '../alerts/alert-log.js';
import {AlertCenter} from '../alerts/center.js';
import type {Rule} from '../alerts/rules.js';
import type {MonitoredNode} from '../broker/driver.js';
import {openBroker} from '../broker/open-broker.js';
import type {Config} from '../config.js';
import type {HistorySource} from '../history/history-source.js';
import {ExitCode, UserError} from '../errors.js';
import {parseQuery} from '../model/query.js';
import {App} from '../ui/App.js';
import type {LogFileInfo} from '../ui/model/log-file-line.js';
import {fileAuditSink} from '../ui/audit-sink.js';
import {InFlight} from '../ui/model/in-flight.js';
import {takeOverScreen} from '../ui/terminal.js';
import {inkRenderOptions} from '../ui/render-options.js';
import {installInkLineCache} from '../ui/ink-line-cache.js';

export type MonitorOptions = {
	/** Nodes opened by the caller (the CLI, the demo); the caller closes them. */
	nodes?: readonly MonitoredNode[];
	/** Names the broker in exports and the audit log instead of the adapter's URL. */
	brokerLabel?: string;
	logFile?: () => LogFileInfo;
	/** Each node's past, for time travel (t, [, ], --at). */
	history?: readonly HistorySource[];
	/** --at: open on this moment. */
	at?: number;
	alerts?: {
		rules: readonly Rule[];
		/** The alert log file. */
		log: string;
		bell: boolean;
		/** Per node (by name): settles once its log file is replayed, so its connects are not taken for news. */
		ready?: ReadonlyMap<string, Promise<unknown>>;
	};
};

/**
 * The live monitor: opens the broker (unless given its nodes), takes over the terminal's
 * alternate screen and resolves with the exit code once the operator quits or a signal stops it.
 */
export async function runMonitor(config: Config, options: MonitorOptions = {}): Promise<number> {
	// The monitor draws on a terminal and reads keys from one; anything else gets `list`.
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		process.stderr.write('mqtt-top: the live monitor needs a terminal; for pipes and scripts use `mqtt-top list` (--json or --csv)\n');
		return ExitCode.usage;
	}

	const filter = parseQuery(config.filter);
	if (!filter.ok) throw new UserError(`--filter: ${filter.error}`, ExitCode.usage);

	const opened = options.nodes ? undefined : await openBroker(config);
	const nodes = options.nodes ?? [opened!];
	const screen = takeOverScreen();
	const inFlight = new InFlight();
	const alertOptions = options.alerts;
	let alerts: AlertCenter | undefined;
	if (alertOptions) {
		const log = new AlertLog(alertOptions.log, (message) => alerts?.logFailed(message));
		alerts = new AlertCenter(
			nodes.map((n) => ({...n, ready: alertOptions.ready?.get(n.node.name)})),
			{
				rules: alertOptions.rules,
				log,
				// BEL straight to the terminal: Ink draws on the same stream, and BEL moves nothing.
				bell: alertOptions.bell ? () => process.stdout.write('\x07') : undefined,
			},
		);
	}

	// False only when Ink's internals moved (an untested Ink): the monitor then draws as Ink does alone.
	await installInkLineCache();
	try {
		const instance = render(
			<App
				nodes={nodes}
				config={config}
				brokerLabel={options.brokerLabel}
				logFile={options.logFile}
				history={options.history}
				at={options.at}
				audit={fileAuditSink(config.auditLog)}
				inFlight={inFlight}
				alerts={alerts}
			/>,
			// Ctrl-C goes through the keymap like q, so quitting always runs the cleanup below.
			{...inkRenderOptions, exitOnCtrlC: false, patchConsole: true},
		);
		const code = await Promise.race([instance.waitUntilExit().then(() => ExitCode.ok), screen.interrupted]);
		instance.unmount();
		// Even on a signal: an action that went out gets its outcome recorded before the broker
		// link closes (a request with no answer settles as unknown within its time-out).
		await inFlight.settled();
		return code;
	} finally {
		screen.restore();
		screen.dispose();
		await opened?.close();
	}
}
