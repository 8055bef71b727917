import type {MonitoredNode} from '../broker/driver.js';
import {ExitCode, UserError} from '../errors.js';
import {cleanText} from '../util/sanitize.js';

/**
 * The node a one-shot action goes to. With one broker, that one; with several, `--node`, or the
 * only node that knows the client (or username): acting on a guess could kick the wrong device.
 */
export function chooseNode<T extends MonitoredNode>(
	nodes: readonly T[],
	named: string | undefined,
	about: {clientId: string} | {username: string},
): T {
	if (named !== undefined) {
		const node = nodes.find((n) => n.node.name === named);
		if (node) return node;
		throw new UserError(
			`--node: no broker named '${cleanText(named)}' (known: ${nodes.map((n) => n.node.name).join(', ')})`,
			ExitCode.usage,
		);
	}

	if (nodes.length === 1) return nodes[0];
	// A node that is not connected cannot say it does not know the client: it counts as a candidate.
	const knows = nodes.filter(
		({node, store}) =>
			node.connection().state !== 'connected' ||
			('clientId' in about
				? store.get(about.clientId) !== undefined
				: store.sessionsOfUser(about.username).length > 0 || store.accounts.has(about.username)),
	);
	const what = 'clientId' in about ? `client ${cleanText(about.clientId)}` : `username ${cleanText(about.username)}`;
	if (knows.length === 1) return knows[0];
	if (knows.length === 0)
		throw new UserError(`${what} is not known on any of the brokers: pass --node NAME to act on one anyway`, ExitCode.usage);
	const names = knows.map((n) => (n.node.connection().state === 'connected' ? n.node.name : `${n.node.name} (not connected, so it may)`));
	throw new UserError(`${what} is known on ${names.join(', ')}: pass --node NAME to say which`, ExitCode.usage);
}
