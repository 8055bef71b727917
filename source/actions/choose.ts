// Which capability a key (or a command) uses, whatever the broker: the operator presses K, B or
// U; the node's declared capabilities decide how it is done, and its admin plans it exactly.
import type {ActionPlan, BrokerAdmin, Capability, Refusal} from '../broker/driver.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';

export type ActionKind = 'kick' | 'block' | 'unblock';

/**
 * Kick prefers what disconnects exactly the one client, then a kick of its username (every
 * session of it goes, as the plan says), then a takeover of its client ID (destructive for a
 * persistent session, so its plan asks twice).
 */
const kickOrder: readonly Capability[] = ['kick-client', 'kick-user', 'kick-takeover'];

function refused(refusal: ActionPlan | Refusal): refusal is Refusal {
	return 'refused' in refusal;
}

function tryInOrder(
	kind: ActionKind,
	admin: BrokerAdmin,
	attempts: ReadonlyArray<{capability: Capability; by: 'client' | 'user'; value: string}>,
	node: string,
): ActionPlan | Refusal {
	const capabilities = admin.capabilities();
	const reasons: string[] = [];
	for (const {capability, by, value} of attempts) {
		const state = capabilities.get(capability);
		if (state === undefined) continue;
		if (!state.ok) {
			// Still probing: a fallback now could be worse than what the broker turns out to allow.
			if (state.pending) return {refused: `cannot ${kind} yet: ${state.why}`};
			reasons.push(state.why);
			continue;
		}

		const plan = admin.plan(capability, {node, by, value});
		if (!refused(plan)) return plan;
		reasons.push(plan.refused);
	}

	return {refused: `cannot ${kind}: ${reasons[0] ?? 'this broker has no way to do it'}`};
}

/** Plans K for one row. */
export function planKickOf(session: Session, admin: BrokerAdmin): ActionPlan | Refusal {
	return tryInOrder(
		'kick',
		admin,
		kickOrder.map((capability) => ({capability, by: 'client' as const, value: session.clientId})),
		session.node,
	);
}

/** Plans B (block) or U (unblock) for one row: by its username, else by its client ID where the broker bans those. */
export function planAccountOf(kind: 'block' | 'unblock', session: Session, admin: BrokerAdmin): ActionPlan | Refusal {
	const capability: Capability = kind === 'block' ? 'ban-user' : 'unban';
	if (session.username !== undefined) return tryInOrder(kind, admin, [{capability, by: 'user', value: session.username}], session.node);
	const byClient = admin.capabilities().get('ban-client');
	if (byClient?.ok && !session.accountOnly) {
		return tryInOrder(
			kind,
			admin,
			[{capability: kind === 'block' ? 'ban-client' : 'unban', by: 'client', value: session.clientId}],
			session.node,
		);
	}

	return {
		refused: `client ${cleanText(session.clientId)} has no username: only accounts can be ${kind}ed${kind === 'block' ? ' (kick it instead)' : ''}`,
	};
}

export function isRefusal(plan: ActionPlan | Refusal): plan is Refusal {
	return refused(plan);
}
