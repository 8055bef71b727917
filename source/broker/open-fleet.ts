import type {Config} from '../config.js';
import {openBroker, type OpenBrokerOptions, type OpenedBroker} from './open-broker.js';

export type OpenedFleet = {
	nodes: OpenedBroker[];
	/** Nodes not connected now (never opened and being retried, or their link or poll lost). */
	down(): OpenedBroker[];
	close(): Promise<void>;
};

/**
 * Opens every node at once. One broker fails as it always did (its exit code says why); in a
 * fleet, a node that cannot be opened is shown down and retried, so one dead broker does not hide
 * the others.
 */
export async function openFleet(configs: readonly Config[], options: OpenBrokerOptions = {}): Promise<OpenedFleet> {
	const tolerateDown = configs.length > 1;
	const settled = await Promise.allSettled(configs.map((config) => openBroker(config, {...options, tolerateDown})));
	const nodes = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
	const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
	if (failed) {
		await Promise.all(nodes.map((node) => node.close()));
		throw failed.reason;
	}

	return {
		nodes,
		down: () => nodes.filter((opened) => opened.node.connection().state !== 'connected'),
		async close() {
			await Promise.all(nodes.map((node) => node.close()));
		},
	};
}
