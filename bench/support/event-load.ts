import type {SessionStore} from '../../source/model/session-store.js';
import type {LogLine} from './log-generator.js';
import type {BrokerSimulator} from './log-generator.js';
import {ingest} from './populate.js';

export type EventLoad = {stop(): void; readonly applied: number};

/**
 * Feeds `perSecond` steady-state log lines into the store through the parser, on timers like the
 * MQTT socket would. The count follows the wall clock, not the timer ticks: when a slow frame
 * delays the timer, the backlog arrives at once, as it would from the socket buffer.
 */
export function startEventLoad(store: SessionStore, simulator: BrokerSimulator, perSecond: number): EventLoad {
	const started = performance.now();
	let applied = 0;
	const buffer: LogLine[] = [];
	const timer = setInterval(() => {
		const due = Math.floor(((performance.now() - started) / 1000) * perSecond) - applied;
		if (due <= 0) return;
		buffer.length = 0;
		simulator.take(due, buffer);
		ingest(store, buffer);
		applied += due;
	}, 10);
	return {
		stop: () => clearInterval(timer),
		get applied() {
			return applied;
		},
	};
}
