// Freezing a test broker (SIGSTOP) to make an action hang the way a wedged broker would.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {TestBroker} from '../support/mosquitto.js';

/** The PID of this test's own broker: the process started with the config file in its directory. */
export function brokerPid(broker: TestBroker): number {
	const config = path.join(broker.dir, 'mosquitto.conf');
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let cmdline: string;
		try {
			cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
		} catch {
			continue;
		}

		const args = cmdline.split('\0');
		if (args.some((a) => a.endsWith('mosquitto')) && args.includes(config)) return Number(entry);
	}

	throw new Error(`no mosquitto process running with ${config}`);
}

/** Stops the broker's process until the returned function resumes it. */
export function freeze(broker: TestBroker): () => void {
	const pid = brokerPid(broker);
	process.kill(pid, 'SIGSTOP');
	let resumed = false;
	return () => {
		if (resumed) return;
		resumed = true;
		process.kill(pid, 'SIGCONT');
	};
}
