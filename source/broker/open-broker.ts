import {brokerUrl, type Config} from '../config.js';
import {ExitCode, UserError} from '../errors.js';
import {SessionStore} from '../model/session-store.js';
import type {BrokerNode, MonitoredNode} from './driver.js';
import {driverFor} from './drivers.js';
import {openMosquitto} from './mosquitto/adapter.js';
import {DialectTracker} from './mosquitto/dialect.js';
import {WaitingNode} from './waiting-node.js';
import {chooseLogFile, openLogFile, type LogFile, type LogFileChoice, type ReplayProgress} from './mosquitto/log-file/index.js';

export type OpenedBroker = MonitoredNode & {
	/** The broker's log file, when one is read (see chooseLogFile). */
	logFile?: LogFile;
	logChoice?: LogFileChoice;
	close(): Promise<void>;
};

export type OpenBrokerOptions = {
	onProgress?: (progress: ReplayProgress) => void;
	waitForActions?: boolean;
	/**
	 * In a fleet: a node that cannot be opened now is shown down and opened again later (its log
	 * file, if any, is read meanwhile) instead of failing the whole monitor.
	 */
	tolerateDown?: boolean;
};

/** Opens `open()`, or with tolerateDown a node that shows why it is down and keeps trying. */
async function openOrWait(config: Config, tolerateDown: boolean | undefined, open: () => Promise<BrokerNode>): Promise<BrokerNode> {
	try {
		return await open();
	} catch (error) {
		// Only a broker that does not answer is waited for: refused credentials or rights would be retried forever.
		if (!tolerateDown || !(error instanceof UserError) || error.exitCode !== ExitCode.unreachable) throw error;
		return new WaitingNode({name: config.node, type: config.brokerType, url: nodeUrl(config), error: error.message, open});
	}
}

/** The node's display URL: an API URL may carry credentials (`http://key:secret@…`), never shown. */
export function nodeUrl(config: Config): string {
	if (config.brokerType === 'mosquitto' || config.apiUrl === undefined) return brokerUrl(config);
	try {
		const url = new URL(config.apiUrl);
		url.username = '';
		url.password = '';
		return url.toString().replace(/\/$/, '');
	} catch {
		return brokerUrl(config);
	}
}

/**
 * Opens one node: for Mosquitto the log file first (its size at open marks which lines may also
 * arrive over $SYS/broker/log/#), then the broker connection; for the other families their driver.
 */
export async function openBroker(config: Config, options: OpenBrokerOptions = {}): Promise<OpenedBroker> {
	const store = new SessionStore({node: config.node});
	if (config.brokerType !== 'mosquitto') {
		const driver = driverFor(config.brokerType);
		if (driver === undefined) throw new UserError(`--broker-type ${config.brokerType} is not supported yet`, ExitCode.usage);
		const node = await openOrWait(config, options.tolerateDown, () => driver.open(config, store, {waitForActions: options.waitForActions}));
		return {node, store, close: () => node.close()};
	}

	const dialect = new DialectTracker();
	const logChoice = chooseLogFile({host: config.host, port: config.port, logFile: config.logFile});
	const logFile = logChoice
		? await openLogFile(logChoice.path, store, {
				timestampFormat: config.logTimestampFormat,
				ignoreClientId: config.clientId,
				onProgress: options.onProgress,
				dialect,
			})
		: undefined;
	let node: BrokerNode;
	try {
		node = await openOrWait(config, options.tolerateDown, () =>
			openMosquitto(config, {
				store,
				logSink: logFile?.merger,
				waitForActions: options.waitForActions,
				catchUp: logFile ? () => logFile.poll() : undefined,
				dialect,
			}),
		);
	} catch (error) {
		await logFile?.close();
		throw error;
	}

	logFile?.follow();
	return {
		node,
		store,
		logFile,
		logChoice,
		async close() {
			await logFile?.close();
			await node.close();
		},
	};
}
