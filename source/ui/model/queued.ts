import type {Capabilities} from '../../broker/driver.js';

/** Which nodes count queued messages per session, and what their counts add up. */
export type QueuedView = {
	/** At least one node exposes per-session queues: the table has a Queued column. */
	column: boolean;
	/** Node name → what its count adds up (only nodes that expose queues). */
	counts: ReadonlyMap<string, string>;
	/** Node name → why it shows no count. */
	absent: ReadonlyMap<string, string>;
};

const generic = 'messages the broker holds for the session';

export function queuedView(nodes: ReadonlyArray<{name: string; capabilities: Capabilities}>): QueuedView {
	const counts = new Map<string, string>();
	const absent = new Map<string, string>();
	for (const node of nodes) {
		const state = node.capabilities.get('queued');
		if (state?.ok) counts.set(node.name, state.what ?? generic);
		else absent.set(node.name, state && !state.ok ? state.why : 'not supported by this broker');
	}

	return {column: counts.size > 0, counts, absent};
}

/** The help's paragraph on the Queued column: what it counts, and why it is absent or blank. */
export function queuedHelp(view: QueuedView, severalNodes: boolean): string[] {
	const named = (name: string, text: string) => (severalNodes ? `${name}: ${text}` : text);
	if (!view.column) {
		const whys = [...view.absent].map(([name, why]) => named(name, why));
		return [`No Queued column: ${whys.join('; ')}.`];
	}

	const out = [
		'Queued: messages the broker holds for each session (blank where it does not say). Sort with < and >; filter with queued:>N.',
	];
	for (const [name, what] of view.counts) out.push(`${severalNodes ? `${name} counts` : 'Counts'} ${what}.`);
	for (const [name, why] of view.absent) out.push(`Blank for ${name}: ${why}.`);
	return out;
}
