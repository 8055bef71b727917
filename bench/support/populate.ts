import {parseLogTopicMessage} from '../../source/broker/mosquitto/log-parser.js';
import type {SessionStore} from '../../source/model/session-store.js';
import {BrokerSimulator, type LogLine} from './log-generator.js';

/** The adapter's hot path without the socket: topic + payload → parser → store. */
export function ingest(store: SessionStore, lines: readonly LogLine[], receivedAt = Date.now()): void {
	for (const line of lines) store.apply(parseLogTopicMessage(line.topic, line.payload, receivedAt, store));
}

/**
 * Fills `store` with `sessions` online clients of `subscriptions` each, through the parser (so the
 * sessions look exactly like parsed ones), and returns the simulator that can keep them busy.
 */
export function populate(
	store: SessionStore,
	sessions: number,
	options: {subscriptions?: number; seed?: number; clock?: () => number; prefix?: string} = {},
): BrokerSimulator {
	const simulator = new BrokerSimulator({population: sessions, seed: options.seed ?? 7, clock: options.clock, prefix: options.prefix});
	const batch: LogLine[] = [];
	while (simulator.size < sessions) {
		simulator.connectNew(batch, options.subscriptions ?? 3);
		// Small batches keep the line buffer from doubling the memory being measured.
		if (batch.length >= 10_000) {
			ingest(store, batch);
			batch.length = 0;
		}
	}

	ingest(store, batch);
	return simulator;
}
