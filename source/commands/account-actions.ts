import {runAudited, recordRefusal, type AuditedAction} from '../actions/audited.js';
import {auditAction, auditTarget} from '../actions/audit-names.js';
import {isRefusal, planAccountOf, planKickOf} from '../actions/choose.js';
import {AuditFile, AuditUnwritable, type AuditSink} from '../audit-log.js';
import type {ActionOutcome} from '../broker/adapter.js';
import type {ActionPlan, BrokerNode, MonitoredNode} from '../broker/driver.js';
import {ExitCode, UserError, type ExitCodeValue} from '../errors.js';
import {persistenceLabel} from '../model/persistence.js';
import {newSession} from '../model/session-record.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';
import {confirm as askOnStdin} from './confirm.js';

export type ActionOptions = {
	yes: boolean;
	forceTakeover: boolean;
	auditLog: string;
	/** --read-only: every action is refused (and the refusal recorded). */
	readOnly?: boolean;
	/** Injected by tests; defaults to the file named by auditLog. */
	audit?: AuditSink;
	/** Injected by tests; defaults to a y/N prompt on stdin. */
	confirm?: (question: string) => Promise<boolean>;
	out?: (line: string) => void;
};

type Context = {node: BrokerNode; options: ActionOptions; audit: AuditSink; what: AuditedAction};

function print(options: ActionOptions, line: string): void {
	(options.out ?? ((l) => process.stdout.write(l + '\n')))(line);
}

/** Refuses to act when the action could not be recorded: an unaudited kick is worse than none. */
async function openAudit(node: BrokerNode, options: ActionOptions, action: string, target: string): Promise<Context> {
	const audit = options.audit ?? new AuditFile(options.auditLog);
	try {
		await audit.ready();
	} catch (error) {
		throw new UserError(`${(error as Error).message}: nothing was sent to the broker (pass --audit-log PATH)`, ExitCode.usage);
	}

	return {node, options, audit, what: {action, target, broker: node.url}};
}

/** Records the refusal, then stops with one line and the exit code. */
async function refuse(ctx: Context, message: string, code: ExitCodeValue): Promise<never> {
	const unrecorded = await recordRefusal(ctx.audit, ctx.what, message);
	throw new UserError(unrecorded ? `${message} (and the refusal was not recorded: ${unrecorded})` : message, code);
}

async function refuseUnless(ctx: Context, allowed: boolean, message: string, code: ExitCodeValue): Promise<void> {
	if (!allowed) await refuse(ctx, message, code);
}

async function checkReadOnly(ctx: Context): Promise<void> {
	await refuseUnless(ctx, !ctx.options.readOnly, `--read-only: ${ctx.what.action} refused, nothing was sent to the broker`, ExitCode.usage);
}

async function confirmOrStop(ctx: Context, plan: ActionPlan, question: string): Promise<void> {
	const {options} = ctx;
	print(options, `mqtt-top ${plan.summary}`);
	for (const note of plan.notes) print(options, `  ${note}`);
	if (plan.affected.length > 0) {
		for (const s of plan.affected) {
			print(options, `  ${cleanText(s.clientId)}  ${s.address ?? '?'}:${s.port ?? '?'}  MQTT ${s.protocol ?? '?'}  ${persistenceLabel(s)}`);
		}
	}

	if (options.yes) return;
	const ask = options.confirm ?? ((q) => askOnStdin(q));
	if (!(await ask(question))) await refuse(ctx, 'not confirmed: nothing was done (pass --yes to skip the question)', ExitCode.notConfirmed);
}

/** Records the attempt, acts, records the outcome, and turns it into an exit code. */
async function act(ctx: Context, run: () => Promise<ActionOutcome>): Promise<number> {
	let result;
	try {
		result = await runAudited(ctx.audit, ctx.what, run);
	} catch (error) {
		if (!(error instanceof AuditUnwritable)) throw error;
		throw new UserError(`${error.message}: nothing was sent to the broker (pass --audit-log PATH)`, ExitCode.usage);
	}

	const {outcome, unrecorded} = result;
	if (outcome.result === 'done') print(ctx.options, outcome.message);
	if (unrecorded) {
		throw new UserError(
			`${outcome.result === 'done' ? '' : `${outcome.message}; `}the outcome was not recorded: ${unrecorded}`,
			ExitCode.usage,
		);
	}

	if (outcome.result === 'unknown') throw new UserError(`${outcome.message} (recorded as unknown)`, ExitCode.actionFailed);
	if (outcome.result === 'failed') throw new UserError(outcome.message, ExitCode.actionFailed);
	return ExitCode.ok;
}

/** Plans for the command line, where the session may be unknown (never seen connecting). */
function rowFor(opened: MonitoredNode, clientId: string): Session {
	return opened.store.get(clientId) ?? newSession(opened.store.node, clientId, 0, false);
}

async function settlePlan(ctx: Context, plan: ActionPlan): Promise<ActionOutcome> {
	ctx.what.action = auditAction(plan);
	ctx.what.target = auditTarget(plan);
	return ctx.node.admin.perform(plan);
}

export async function runKick(opened: MonitoredNode, clientId: string, options: ActionOptions): Promise<number> {
	const {node, store} = opened;
	const ctx = await openAudit(node, options, 'kick', clientId);
	await checkReadOnly(ctx);
	const session = store.get(clientId);
	if (session && session.status !== 'online') {
		await refuse(ctx, `client ${cleanText(clientId)} is ${session.status}: nothing to kick`, ExitCode.actionFailed);
	}

	const plan = planKickOf(rowFor(opened, clientId), node.admin);
	if (isRefusal(plan)) return refuse(ctx, plan.refused, ExitCode.actionsUnavailable);
	ctx.what.action = auditAction(plan);
	ctx.what.target = auditTarget(plan);
	if (plan.capability === 'kick-user') {
		const n = plan.affected.length;
		await confirmOrStop(
			ctx,
			plan,
			`Kick username ${cleanText(plan.target.value)}${n ? ` (disconnects ${n} session${n === 1 ? '' : 's'})` : ''}?`,
		);
		return act(ctx, () => settlePlan(ctx, plan));
	}

	if (plan.destructive && !options.forceTakeover) {
		const what =
			plan.capability === 'kick-takeover'
				? `the only way is to take over its client ID, and ${
						plan.persistent
							? 'its session is persistent (c0)'
							: session?.protocol === '5.0'
								? 'its session may persist (MQTT 5: Mosquitto does not log the session expiry)'
								: 'mqtt-top cannot tell whether its session is persistent'
					}, so its queued messages and subscriptions would be destroyed`
				: `${plan.summary}`;
		await refuse(ctx, `refusing to kick ${cleanText(clientId)}: ${what}. Pass --force-takeover to do it anyway`, ExitCode.actionFailed);
	}

	const question =
		plan.capability === 'kick-takeover' && plan.destructive
			? `DESTROY the session of ${cleanText(clientId)} by taking over its client ID?`
			: `Kick ${cleanText(clientId)}?`;
	await confirmOrStop(ctx, plan, question);
	return act(ctx, () => settlePlan(ctx, plan));
}

async function runAccount(kind: 'block' | 'unblock', opened: MonitoredNode, username: string, options: ActionOptions): Promise<number> {
	const {node, store} = opened;
	const ctx = await openAudit(node, options, kind, username);
	await checkReadOnly(ctx);
	const row: Session = {...rowFor(opened, ''), username, accountOnly: true, status: 'blocked'};
	const plan = planAccountOf(kind, row, node.admin);
	if (isRefusal(plan)) return refuse(ctx, plan.refused, ExitCode.actionsUnavailable);
	// Only dynamic security lists every account; REST stores hold only the banned ones.
	if (kind === 'block' && node.type === 'mosquitto' && store.accounts.size > 0 && !store.accounts.has(username)) {
		await refuse(ctx, `no account named ${cleanText(username)} on this broker`, ExitCode.actionFailed);
	}

	if (kind === 'block') await confirmOrStop(ctx, plan, `Block username ${cleanText(username)}?`);
	else {
		print(options, `mqtt-top ${plan.summary}`);
		for (const note of plan.notes) print(options, `  ${note}`);
	}

	return act(ctx, () => settlePlan(ctx, plan));
}

export function runBlock(opened: MonitoredNode, username: string, options: ActionOptions): Promise<number> {
	return runAccount('block', opened, username, options);
}

export function runUnblock(opened: MonitoredNode, username: string, options: ActionOptions): Promise<number> {
	return runAccount('unblock', opened, username, options);
}
