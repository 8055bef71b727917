import type {Config} from '../config.js';
import {SessionStore} from '../model/session-store.js';
import {openMosquitto, type MosquittoAdapter} from './mosquitto/adapter.js';
import {DialectTracker} from './mosquitto/dialect.js';
import {chooseLogFile, openLogFile, type LogFile, type LogFileChoice, type ReplayProgress} from './mosquitto/log-file/index.js';

export type OpenedBroker = {
	adapter: MosquittoAdapter;
	/** The broker's log file, when one is read (see chooseLogFile). */
	logFile?: LogFile;
	logChoice?: LogFileChoice;
	close(): Promise<void>;
};

/**
 * Opens everything the monitor and the commands read: the log file first (its size at open marks
 * which lines may also arrive over $SYS/broker/log/#), then the broker connection.
 */
export async function openBroker(
	config: Config,
	options: {onProgress?: (progress: ReplayProgress) => void; waitForActions?: boolean} = {},
): Promise<OpenedBroker> {
	const store = new SessionStore({node: config.node});
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
	let adapter: MosquittoAdapter;
	try {
		adapter = await openMosquitto(config, {
			store,
			logSink: logFile?.merger,
			waitForActions: options.waitForActions,
			catchUp: logFile ? () => logFile.poll() : undefined,
			dialect,
		});
	} catch (error) {
		await logFile?.close();
		throw error;
	}

	logFile?.follow();
	return {
		adapter,
		logFile,
		logChoice,
		async close() {
			await logFile?.close();
			await adapter.close();
		},
	};
}
