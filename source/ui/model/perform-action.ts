import {recordRefusal, runAudited} from '../../actions/audited.js';
import {auditAction, auditTarget} from '../../actions/audit-names.js';
import type {AuditSink} from '../../audit-log.js';
import type {ActionKind, ActionNodes, ActionRequest} from './action-request.js';

export type {AuditRecord, AuditSink} from '../../audit-log.js';

export type Result = {ok: boolean; message: string};

/** Whom a request is about, as the audit log names it. */
export function requestTarget(request: ActionRequest): string {
	return request.plans.map(auditTarget).join('; ');
}

/**
 * Carries out a confirmed request plan by plan, each on its own node. Each attempt is recorded in
 * the audit log before its command is sent and its outcome after; when an attempt cannot be
 * recorded, nothing more is sent. A command the broker never answered is reported (and recorded)
 * as unknown, not failed: it may still have run.
 */
export async function performRequest(request: ActionRequest, nodes: ActionNodes, audit: AuditSink): Promise<Result> {
	try {
		await audit.ready();
	} catch (error) {
		return {ok: false, message: `nothing done: ${(error as Error).message}`};
	}

	const messages: string[] = [];
	let ok = true;
	for (const [index, plan] of request.plans.entries()) {
		const node = nodes(plan.target.node);
		if (node === undefined) {
			ok = false;
			messages.push(`node ${plan.target.node} is no longer monitored: nothing sent to it`);
			continue;
		}

		let result;
		try {
			result = await runAudited(audit, {action: auditAction(plan), target: auditTarget(plan), broker: node.url}, () =>
				node.admin.perform(plan),
			);
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
