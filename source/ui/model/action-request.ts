import type {ActionAvailability} from '../../broker/adapter.js';
import {planBlock, planKick, planUnblock, type ActionPlan} from '../../actions/plan.js';
import type {SessionStore} from '../../model/session-store.js';
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';

export type ActionKind = 'kick' | 'block' | 'unblock';

export type ExecutablePlan = Exclude<ActionPlan, {kind: 'impossible'}>;

/** What the confirmation dialog shows and, once confirmed, what is carried out. */
export type ActionRequest = {
	kind: ActionKind;
	plans: ExecutablePlan[];
	/** One line per selected row the action leaves out, and why. */
	skipped: string[];
	/** A takeover that destroys (or may destroy) a persistent session: needs a second confirmation. */
	destructive: boolean;
};

export type Prepared = {ok: true; request: ActionRequest} | {ok: false; message: string};

function who(session: Session): string {
	return session.accountOnly ? `username ${cleanText(session.username ?? '')}` : `client ${cleanText(session.clientId)}`;
}

function kickPlans(targets: Session[], store: SessionStore, actions: ActionAvailability, skipped: string[]): ExecutablePlan[] {
	const plans: ExecutablePlan[] = [];
	const byUsername = new Map<string, ExecutablePlan>();
	for (const target of targets) {
		const live = target.accountOnly ? undefined : store.get(target.clientId);
		if (target.accountOnly || (live !== undefined && live.status !== 'online')) {
			skipped.push(`${who(target)} is ${live?.status ?? target.status}: nothing to kick`);
			continue;
		}

		const plan = planKick(store, target.clientId, actions);
		if (plan.kind === 'impossible') {
			skipped.push(plan.summary);
		} else if (plan.kind === 'kick-user') {
			// Kicking is by username: two selected clients of one account are one command.
			const same = byUsername.get(plan.username);
			if (same) same.targets.push(...plan.targets);
			else {
				byUsername.set(plan.username, plan);
				plans.push(plan);
			}
		} else {
			plans.push(plan);
		}
	}

	return plans;
}

function accountPlans(kind: 'block' | 'unblock', targets: Session[], store: SessionStore, skipped: string[]): ExecutablePlan[] {
	const plans: ExecutablePlan[] = [];
	const seen = new Set<string>();
	for (const target of targets) {
		const username = target.username;
		if (username === undefined) {
			skipped.push(`${who(target)} has no username: only accounts can be ${kind}ed${kind === 'block' ? ' (kick it instead)' : ''}`);
			continue;
		}

		if (seen.has(username)) continue;
		seen.add(username);
		const disabled = store.isDisabled(username);
		if (kind === 'block' && disabled) {
			skipped.push(`username ${cleanText(username)} is already blocked`);
		} else if (kind === 'unblock' && !disabled && store.accounts.has(username)) {
			skipped.push(`username ${cleanText(username)} is not blocked`);
		} else {
			const plan = kind === 'block' ? planBlock(store, username) : planUnblock(store, username);
			if (plan.kind === 'impossible') skipped.push(plan.summary);
			else plans.push(plan);
		}
	}

	return plans;
}

/**
 * Works out what K, B or U would do to the targets (the marked rows, else the selected one),
 * before anything is sent: the dialog then lists exactly who is affected. Pure: reads the store.
 */
export function prepareAction(kind: ActionKind, targets: Session[], store: SessionStore, actions: ActionAvailability): Prepared {
	// Still asking the plugin: a kick now would fall back to a takeover where a kick by username
	// may be what the broker allows.
	if (!actions.dynsec && actions.pending) return {ok: false, message: `cannot ${kind} yet: ${actions.reason}`};
	if (kind !== 'kick' && !actions.dynsec) {
		return {ok: false, message: `cannot ${kind}: ${actions.reason}`};
	}

	if (targets.length === 0) return {ok: false, message: `nothing to ${kind}: no row selected`};
	const skipped: string[] = [];
	const plans = kind === 'kick' ? kickPlans(targets, store, actions, skipped) : accountPlans(kind, targets, store, skipped);
	if (plans.length === 0) return {ok: false, message: skipped.join('; ')};
	return {ok: true, request: {kind, plans, skipped, destructive: plans.some((p) => p.destructive)}};
}
