import type {ConnectionState} from '../broker/adapter.js';
import type {OpenedBroker} from '../broker/open-broker.js';
import {AlertLog, alertLine, alertRecord} from '../alerts/alert-log.js';
import {AlertEngine, linkRule, type Alert} from '../alerts/engine.js';
import {feedAlerts} from '../alerts/feed.js';
import type {Rule} from '../alerts/rules.js';
import {ExitCode} from '../errors.js';
import {cleanText} from '../util/sanitize.js';

export type WatchOptions = {
	rules: readonly Rule[];
	json: boolean;
	exitOnAlert: boolean;
	alertLog: string;
	write?: (text: string) => void;
	warn?: (line: string) => void;
	now?: () => number;
};

function linkStatus(name: string, state: ConnectionState): string | undefined {
	switch (state.state) {
		case 'connected':
			return `node ${name}: connected`;
		case 'resyncing':
			return `node ${name}: connected, reading its sessions`;
		case 'reconnecting':
			return `node ${name}: not connected (${state.detail ?? 'link lost'}); retrying`;
		default:
			return undefined;
	}
}

/**
 * `mqtt-top watch`: no screen, one line per alert on stdout, until a signal (exit 0) or, with
 * --exit-on-alert, the first rule that fires (exit 9). The nodes reconnect as in the monitor;
 * their link changes go to stderr. A node's own link alerts are printed but never end the watch:
 * a broker restart is something it outlives.
 */
export async function runWatch(nodes: readonly OpenedBroker[], options: WatchOptions): Promise<number> {
	const write = options.write ?? ((text: string) => process.stdout.write(text));
	const warn = options.warn ?? ((line: string) => process.stderr.write(`mqtt-top: ${line}\n`));
	const engine = new AlertEngine(options.rules, options.now);
	const log = new AlertLog(options.alertLog, warn);
	const stops: Array<() => void> = [];
	for (const {node} of nodes) {
		let last = node.connection().state;
		// A broker down at start (in a fleet, the others are watched meanwhile) is said at once.
		if (last !== 'connected') warn(linkStatus(cleanText(node.name), node.connection()) ?? `node ${cleanText(node.name)}: ${last}`);
		stops.push(
			node.onConnectionChange((state) => {
				if (state.state === last) return;
				last = state.state;
				const line = linkStatus(cleanText(node.name), state);
				if (line) warn(line);
			}),
		);
	}

	let finish: (code: number) => void = () => {};
	const done = new Promise<number>((resolve) => (finish = resolve));
	stops.push(
		engine.onAlert((alert: Alert) => {
			write(options.json ? JSON.stringify(alertRecord(alert)) + '\n' : alertLine(alert));
			log.append(alert);
			if (options.exitOnAlert && alert.rule !== linkRule) finish(ExitCode.alerted);
		}),
	);
	const rules = `${options.rules.length} rule${options.rules.length === 1 ? '' : 's'}`;
	const feed = feedAlerts(
		nodes.map((opened) => ({...opened, ready: opened.logFile?.replayed})),
		engine,
		(node) => warn(`watching node ${cleanText(node)} for ${rules}`),
	);
	const stop = () => finish(ExitCode.ok);
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
	try {
		return await done;
	} finally {
		process.off('SIGTERM', stop);
		process.off('SIGINT', stop);
		feed.stop();
		for (const unsubscribe of stops) unsubscribe();
		await log.flushed();
	}
}
