import {isRefusal, planAccountOf, planKickOf, type ActionKind} from '../../actions/choose.js';
import type {ActionPlan, BrokerAdmin} from '../../broker/driver.js';
import type {SessionStore} from '../../model/session-store.js';
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';

export type {ActionKind} from '../../actions/choose.js';

/** What an action needs of a node: its admin half and the store its plans read. */
export type ActionNode = {admin: BrokerAdmin; store: SessionStore; /** Names the node in the audit log. */ url: string};

/** The nodes actions can reach, by name (a session's `node`). */
export type ActionNodes = (name: string) => ActionNode | undefined;

/** What the confirmation dialog shows and, once confirmed, what is carried out. */
export type ActionRequest = {
	kind: ActionKind;
	plans: ActionPlan[];
	/** One line per selected row the action leaves out, and why. */
	skipped: string[];
	/** A plan that destroys (or may destroy) state: needs a second confirmation. */
	destructive: boolean;
	/** Several brokers are monitored: each plan says which one it goes to. */
	showNodes?: boolean;
};

export type Prepared = {ok: true; request: ActionRequest} | {ok: false; message: string};

function who(session: Session): string {
	return session.accountOnly ? `username ${cleanText(session.username ?? '')}` : `client ${cleanText(session.clientId)}`;
}

/** Plans that act on the same thing (two clients of one username, kicked by username) are one command. */
function planKey(plan: ActionPlan): string {
	return `${plan.capability}\u0000${plan.target.node}\u0000${plan.target.by}\u0000${plan.target.value}`;
}

function planOne(kind: ActionKind, target: Session, node: ActionNode, skipped: string[]): ActionPlan | undefined {
	const {store} = node;
	if (kind === 'kick') {
		const live = target.accountOnly ? undefined : store.get(target.clientId);
		if (target.accountOnly || (live !== undefined && live.status !== 'online')) {
			skipped.push(`${who(target)} is ${live?.status ?? target.status}: nothing to kick`);
			return undefined;
		}
	} else if (target.username !== undefined) {
		const disabled = store.isDisabled(target.username);
		if (kind === 'block' && disabled) {
			skipped.push(`username ${cleanText(target.username)} is already blocked`);
			return undefined;
		}

		if (kind === 'unblock' && !disabled && store.accounts.has(target.username)) {
			skipped.push(`username ${cleanText(target.username)} is not blocked`);
			return undefined;
		}
	}

	const plan = kind === 'kick' ? planKickOf(target, node.admin) : planAccountOf(kind, target, node.admin);
	if (isRefusal(plan)) {
		skipped.push(plan.refused);
		return undefined;
	}

	return plan;
}

/**
 * Works out what K, B or U would do to the targets (the marked rows, else the selected one),
 * before anything is sent: the dialog then lists exactly who is affected, node by node. Pure:
 * reads the stores and the nodes' declared capabilities.
 */
export function prepareAction(kind: ActionKind, targets: Session[], nodes: ActionNodes, options: {showNodes?: boolean} = {}): Prepared {
	if (targets.length === 0) return {ok: false, message: `nothing to ${kind}: no row selected`};
	const skipped: string[] = [];
	const plans: ActionPlan[] = [];
	const byKey = new Map<string, ActionPlan>();
	for (const target of targets) {
		const node = nodes(target.node);
		if (node === undefined) {
			skipped.push(`${who(target)}: node ${cleanText(target.node)} is not monitored`);
			continue;
		}

		const plan = planOne(kind, target, node, skipped);
		if (plan === undefined) continue;
		const key = planKey(plan);
		const same = byKey.get(key);
		if (same) {
			for (const id of plan.targets) if (!same.targets.includes(id)) same.targets.push(id);
		} else {
			byKey.set(key, plan);
			plans.push(plan);
		}
	}

	if (plans.length === 0) return {ok: false, message: [...new Set(skipped)].join('; ')};
	return {
		ok: true,
		request: {kind, plans, skipped: [...new Set(skipped)], destructive: plans.some((p) => p.destructive), showNodes: options.showNodes},
	};
}
