import {AuditUnwritable, newAuditId, type AuditOutcome, type AuditSink} from '../audit-log.js';
import type {ActionOutcome, ActionResult} from '../broker/adapter.js';

export type AuditedAction = {action: string; target: string; broker: string};

export type AuditedResult = {
	outcome: ActionOutcome;
	/** Set when the outcome could not be recorded (the attempt was). */
	unrecorded?: string;
};

const recorded: Record<ActionResult, AuditOutcome> = {done: 'done', failed: 'failed', unknown: 'unknown (no answer)'};

/**
 * Audit first: records the attempt, and only once that is on disk runs the action, then records
 * its outcome under the same id. Throws AuditUnwritable, having sent nothing, when the attempt
 * cannot be written: an unrecorded kick is worse than none.
 */
export async function runAudited(audit: AuditSink, what: AuditedAction, run: () => Promise<ActionOutcome>): Promise<AuditedResult> {
	const id = newAuditId();
	await audit.append({...what, id, outcome: 'attempted'});
	let outcome: ActionOutcome;
	try {
		outcome = await run();
	} catch (error) {
		// Whatever broke, the command may have gone out: never claim it did not run.
		outcome = {result: 'unknown', message: `${what.action}: ${(error as Error).message}`, disconnected: []};
	}

	try {
		await audit.append({...what, id, outcome: recorded[outcome.result], detail: outcome.message});
	} catch (error) {
		return {outcome, unrecorded: (error as Error).message};
	}

	return {outcome};
}

/** Records an action refused before anything was sent; answers why it could not be recorded, if it could not. */
export async function recordRefusal(audit: AuditSink, what: AuditedAction, why: string): Promise<string | undefined> {
	try {
		await audit.append({...what, outcome: 'refused', detail: why});
		return undefined;
	} catch (error) {
		return error instanceof AuditUnwritable ? error.message : `cannot write the audit log: ${(error as Error).message}`;
	}
}
