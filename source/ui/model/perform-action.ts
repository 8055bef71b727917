import {recordRefusal, runAudited} from '../../actions/audited.js';
import type {AuditSink} from '../../audit-log.js';
import type {ActionOutcome, BrokerAdapter} from '../../broker/adapter.js';
import type {ActionKind, ActionRequest, ExecutablePlan} from './action-request.js';

export type {AuditRecord, AuditSink} from '../../audit-log.js';

export type Result = {ok: boolean; message: string};

function describe(plan: ExecutablePlan): {action: string; target: string; run: (adapter: BrokerAdapter) => Promise<ActionOutcome>} {
	switch (plan.kind) {
		case 'kick-user':
			return {
				action: 'kick',
				target: `${plan.targets.join(', ')} (username ${plan.username})`,
				run: (a) => a.kickByUsername(plan.username),
			};
		case 'kick-takeover':
			return {action: 'kick-takeover', target: plan.clientId, run: (a) => a.kickByTakeover(plan.clientId)};
		case 'block':
			return {action: 'block', target: plan.username, run: (a) => a.block(plan.username)};
		case 'unblock':
			return {action: 'unblock', target: plan.username, run: (a) => a.unblock(plan.username)};
	}
}

/** Whom a request is about, as the audit log names it. */
export function requestTarget(request: ActionRequest): string {
	return request.plans.map((plan) => describe(plan).target).join('; ');
}

/**
 * Carries out a confirmed request plan by plan. Each attempt is recorded in the audit log before
 * its command is sent and its outcome after; when an attempt cannot be recorded, nothing more is
 * sent. A command the broker never answered is reported (and recorded) as unknown, not failed:
 * it may still have run.
 */
export async function performRequest(request: ActionRequest, adapter: BrokerAdapter, audit: AuditSink, broker: string): Promise<Result> {
	try {
		await audit.ready();
	} catch (error) {
		return {ok: false, message: `nothing done: ${(error as Error).message}`};
	}

	const messages: string[] = [];
	let ok = true;
	for (const [index, plan] of request.plans.entries()) {
		const {action, target, run} = describe(plan);
		let result;
		try {
			result = await runAudited(audit, {action, target, broker}, () => run(adapter));
		} catch (error) {
			ok = false;
			messages.push(`${index === 0 ? 'nothing done' : 'nothing more done'}: ${(error as Error).message}`);
			break;
		}

		const {outcome, unrecorded} = result;
		ok &&= outcome.result === 'done' && unrecorded === undefined;
		messages.push(outcome.result === 'unknown' ? `${outcome.message} (recorded as unknown)` : outcome.message);
		if (unrecorded) messages.push(`the outcome was not recorded: ${unrecorded}`);
	}

	return {ok, message: messages.join(' · ')};
}

/** Records an action refused before anything was sent. Answers why it could not be recorded, if it could not. */
export async function recordRefused(
	audit: AuditSink,
	kind: ActionKind,
	target: string,
	broker: string,
	why: string,
): Promise<string | undefined> {
	return recordRefusal(audit, {action: kind, target, broker}, why);
}
