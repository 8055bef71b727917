import {runAudited, recordRefusal, type AuditedAction} from '../actions/audited.js';
import {planBlock, planKick, planUnblock, type ActionPlan} from '../actions/plan.js';
import {AuditFile, AuditUnwritable, type AuditSink} from '../audit-log.js';
import type {ActionOutcome, BrokerAdapter} from '../broker/adapter.js';
import {ExitCode, UserError, type ExitCodeValue} from '../errors.js';
import {persistenceLabel} from '../model/persistence.js';
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

type Context = {adapter: BrokerAdapter; options: ActionOptions; audit: AuditSink; what: AuditedAction};

function print(options: ActionOptions, line: string): void {
	(options.out ?? ((l) => process.stdout.write(l + '\n')))(line);
}

/** Refuses to act when the action could not be recorded: an unaudited kick is worse than none. */
async function openAudit(adapter: BrokerAdapter, options: ActionOptions, action: string, target: string): Promise<Context> {
	const audit = options.audit ?? new AuditFile(options.auditLog);
	try {
		await audit.ready();
	} catch (error) {
		throw new UserError(`${(error as Error).message}: nothing was sent to the broker (pass --audit-log PATH)`, ExitCode.usage);
	}

	return {adapter, options, audit, what: {action, target, broker: adapter.url}};
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

async function requireDynsec(ctx: Context): Promise<void> {
	const {actions} = ctx.adapter;
	if (!actions.dynsec) await refuse(ctx, `cannot ${ctx.what.action}: ${actions.reason}`, ExitCode.actionsUnavailable);
}

async function confirmOrStop(ctx: Context, plan: ActionPlan, question: string): Promise<void> {
	const {options} = ctx;
	print(options, `mqtt-top ${plan.summary}`);
	if ('affected' in plan && plan.affected.length > 0) {
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

export async function runKick(adapter: BrokerAdapter, clientId: string, options: ActionOptions): Promise<number> {
	const ctx = await openAudit(adapter, options, 'kick', clientId);
	await checkReadOnly(ctx);
	const session = adapter.store.get(clientId);
	if (session && session.status !== 'online') {
		await refuse(ctx, `client ${cleanText(clientId)} is ${session.status}: nothing to kick`, ExitCode.actionFailed);
	}

	const plan = planKick(adapter.store, clientId, adapter.actions);
	if (plan.kind === 'kick-user') {
		const n = plan.affected.length;
		ctx.what.target = `${clientId} (username ${plan.username})`;
		await confirmOrStop(
			ctx,
			plan,
			`Kick username ${cleanText(plan.username)}${n ? ` (disconnects ${n} session${n === 1 ? '' : 's'})` : ''}?`,
		);
		return act(ctx, () => adapter.kickByUsername(plan.username));
	}

	if (plan.kind !== 'kick-takeover') return refuse(ctx, plan.summary, ExitCode.actionFailed);
	ctx.what.action = 'kick-takeover';
	if (plan.destructive && !options.forceTakeover) {
		await refuse(
			ctx,
			`refusing to kick ${cleanText(clientId)}: the only way is to take over its client ID, and ${
				plan.persistent
					? 'its session is persistent (c0)'
					: session?.protocol === '5.0'
						? 'its session may persist (MQTT 5: Mosquitto does not log the session expiry)'
						: 'mqtt-top cannot tell whether its session is persistent'
			}, so its queued messages and subscriptions would be destroyed. Pass --force-takeover to do it anyway`,
			ExitCode.actionFailed,
		);
	}

	await confirmOrStop(
		ctx,
		plan,
		plan.destructive ? `DESTROY the session of ${cleanText(clientId)} by taking over its client ID?` : `Kick ${cleanText(clientId)}?`,
	);
	return act(ctx, () => adapter.kickByTakeover(clientId));
}

export async function runBlock(adapter: BrokerAdapter, username: string, options: ActionOptions): Promise<number> {
	const ctx = await openAudit(adapter, options, 'block', username);
	await checkReadOnly(ctx);
	await requireDynsec(ctx);
	if (adapter.store.accounts.size > 0 && !adapter.store.accounts.has(username)) {
		await refuse(ctx, `no dynamic-security account named ${cleanText(username)}`, ExitCode.actionFailed);
	}

	const plan = planBlock(adapter.store, username);
	await confirmOrStop(ctx, plan, `Block username ${cleanText(username)}?`);
	return act(ctx, () => adapter.block(username));
}

export async function runUnblock(adapter: BrokerAdapter, username: string, options: ActionOptions): Promise<number> {
	const ctx = await openAudit(adapter, options, 'unblock', username);
	await checkReadOnly(ctx);
	await requireDynsec(ctx);
	const plan = planUnblock(adapter.store, username);
	print(options, `mqtt-top ${plan.summary}`);
	return act(ctx, () => adapter.unblock(username));
}
