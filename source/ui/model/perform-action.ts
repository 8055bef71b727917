import type {ActionOutcome, BrokerAdapter} from '../../broker/adapter.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionRequest, ExecutablePlan} from './action-request.js';

export type AuditRecord = {action: string; target: string; outcome: string; broker: string};

/** Where actions are recorded. `ready` fails (with a reason) when nothing could be recorded. */
export type AuditSink = {
	ready(): Promise<void>;
	append(record: AuditRecord): Promise<void>;
};

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

/**
 * Carries out a confirmed request plan by plan, recording each outcome the broker reported in
 * the audit log. Refuses to start when the audit log cannot be written: an unrecorded kick is
 * worse than none.
 */
export async function performRequest(request: ActionRequest, adapter: BrokerAdapter, audit: AuditSink, broker: string): Promise<Result> {
	try {
		await audit.ready();
	} catch (error) {
		return {ok: false, message: `nothing done: ${(error as Error).message}`};
	}

	const messages: string[] = [];
	let ok = true;
	for (const plan of request.plans) {
		const {action, target, run} = describe(plan);
		let outcome: ActionOutcome;
		try {
			outcome = await run(adapter);
		} catch (error) {
			outcome = {ok: false, message: `${action} ${cleanText(target)} failed: ${(error as Error).message}`, disconnected: []};
		}

		ok &&= outcome.ok;
		messages.push(outcome.message);
		try {
			await audit.append({action, target, outcome: `${outcome.ok ? 'ok' : 'failed'}: ${outcome.message}`, broker});
		} catch (error) {
			ok = false;
			messages.push(`could not write the audit log: ${(error as Error).message}`);
		}
	}

	return {ok, message: messages.join(' · ')};
}
