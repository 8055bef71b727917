import {startMosquitto, type TestBroker} from '../../test/support/mosquitto.js';
import {describeMachine} from './machine.js';

export {startMosquitto, connectClient, type TestBroker} from '../../test/support/mosquitto.js';

/** File descriptors a process needs besides its client sockets (listeners, logs, pipes). */
const fdHeadroom = 200;

/**
 * How many storm clients this machine can hold. The broker and the fleet each need one
 * descriptor per client; Node raises its own soft limit to the hard one at start and children
 * inherit it, so the hard limit is what counts. Returns the count and, if reduced, why.
 */
export function stormCapacity(wanted: number): {clients: number; note?: string} {
	const {hard, soft} = describeMachine().openFiles;
	const limit = hard ?? soft;
	if (limit === null || limit >= wanted + fdHeadroom) return {clients: wanted};
	const clients = Math.max(100, limit - fdHeadroom);
	return {
		clients,
		note: `only ${clients} clients: the open-file hard limit is ${limit} (raise it with ulimit -Hn / limits.conf to run ${wanted})`,
	};
}

/**
 * A Mosquitto for the storm: anonymous, no dynamic security (the storm measures the log stream,
 * not actions), and only the log types the monitor reads, so the broker's own file logging of
 * debug lines does not slow it down.
 */
export function startStormBroker(): Promise<TestBroker> {
	return startMosquitto({
		dynsec: false,
		logTypes: ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe'],
		extra: ['max_connections -1', 'max_keepalive 65535'],
	});
}
