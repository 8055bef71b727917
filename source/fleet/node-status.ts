import type {ConnectionState} from '../broker/adapter.js';
import type {Session} from '../model/types.js';

/** One node as the header and the table need it: its name, its link, its $SYS client count. */
export type NodeStatus = {
	name: string;
	connection: ConnectionState;
	/** Its $SYS clients/connected (undefined until the broker said). */
	connected?: number;
};

/**
 * Which rows are stale, and since when: the online rows of a node whose link is not live (since
 * it was lost, else `now`). Undefined while every node is live, so the table draws as usual.
 */
export function staleSinceByNode(nodes: readonly NodeStatus[], now: number): ((session: Session) => number | undefined) | undefined {
	const since = new Map<string, number>();
	for (const node of nodes) if (node.connection.state !== 'connected') since.set(node.name, node.connection.lostAt ?? now);
	if (since.size === 0) return undefined;
	return (session) => since.get(session.node);
}
