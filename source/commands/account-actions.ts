import {access, constants, mkdir} from 'node:fs/promises';
import path from 'node:path';
import {planBlock, planKick, planUnblock, type ActionPlan} from '../actions/plan.js';
import type {ActionOutcome, BrokerAdapter} from '../broker/adapter.js';
import {appendAudit} from '../audit-log.js';
import {ExitCode, UserError} from '../errors.js';
import {cleanText} from '../util/sanitize.js';
import {confirm as askOnStdin} from './confirm.js';

export type ActionOptions = {
	yes: boolean;
	forceTakeover: boolean;
	auditLog: string;
	/** Injected by tests; defaults to a y/N prompt on stdin. */
	confirm?: (question: string) => Promise<boolean>;
	out?: (line: string) => void;
};

/** Refuses to act when the action could not be recorded: an unaudited kick is worse than none. */
async function ensureAuditable(file: string): Promise<void> {
	try {
		await mkdir(path.dirname(file), {recursive: true});
		await access(path.dirname(file), constants.W_OK);
	} catch (error) {
		throw new UserError(
			`cannot write the audit log ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): pass --audit-log PATH`,
			ExitCode.usage,
		);
	}
}

function requireDynsec(adapter: BrokerAdapter, what: string): void {
	if (!adapter.actions.dynsec) {
		throw new UserError(`cannot ${what}: ${adapter.actions.reason}`, ExitCode.actionsUnavailable);
	}
}

async function confirmOrStop(plan: ActionPlan, options: ActionOptions, question: string): Promise<void> {
	const out = options.out ?? ((line) => process.stdout.write(line + '\n'));
	out(`mqtt-top ${plan.summary}`);
	if ('affected' in plan && plan.affected.length > 0) {
		for (const s of plan.affected) {
			out(
				`  ${cleanText(s.clientId)}  ${s.address ?? '?'}:${s.port ?? '?'}  MQTT ${s.protocol ?? '?'}  ${s.cleanSession === false ? 'persistent' : 'clean'}`,
			);
		}
	}

	if (options.yes) return;
	const ask = options.confirm ?? ((q) => askOnStdin(q));
	if (!(await ask(question)))
		throw new UserError('not confirmed: nothing was done (pass --yes to skip the question)', ExitCode.notConfirmed);
}

async function finish(
	adapter: BrokerAdapter,
	options: ActionOptions,
	action: string,
	target: string,
	outcome: ActionOutcome,
): Promise<number> {
	await appendAudit(options.auditLog, {
		action,
		target,
		outcome: `${outcome.ok ? 'ok' : 'failed'}: ${outcome.message}`,
		broker: adapter.url,
	});
	if (!outcome.ok) throw new UserError(outcome.message, ExitCode.actionFailed);
	(options.out ?? ((line) => process.stdout.write(line + '\n')))(outcome.message);
	return ExitCode.ok;
}

export async function runKick(adapter: BrokerAdapter, clientId: string, options: ActionOptions): Promise<number> {
	await ensureAuditable(options.auditLog);
	const session = adapter.store.get(clientId);
	if (session && session.status !== 'online') {
		throw new UserError(`client ${cleanText(clientId)} is ${session.status}: nothing to kick`, ExitCode.actionFailed);
	}

	const plan = planKick(adapter.store, clientId, adapter.actions);
	if (plan.kind === 'kick-user') {
		const n = plan.affected.length;
		await confirmOrStop(
			plan,
			options,
			`Kick username ${cleanText(plan.username)}${n ? ` (disconnects ${n} session${n === 1 ? '' : 's'})` : ''}?`,
		);
		return finish(adapter, options, 'kick', `${clientId} (username ${plan.username})`, await adapter.kickByUsername(plan.username));
	}

	if (plan.kind !== 'kick-takeover') throw new UserError(plan.summary, ExitCode.actionFailed);
	if (plan.destructive && !options.forceTakeover) {
		throw new UserError(
			`refusing to kick ${cleanText(clientId)}: the only way is to take over its client ID, and ${
				plan.persistent ? 'its session is persistent (c0)' : 'mqtt-top cannot tell whether its session is persistent'
			}, so its queued messages and subscriptions would be destroyed. Pass --force-takeover to do it anyway`,
			ExitCode.actionFailed,
		);
	}

	await confirmOrStop(
		plan,
		options,
		plan.destructive ? `DESTROY the session of ${cleanText(clientId)} by taking over its client ID?` : `Kick ${cleanText(clientId)}?`,
	);
	return finish(adapter, options, 'kick-takeover', clientId, await adapter.kickByTakeover(clientId));
}

export async function runBlock(adapter: BrokerAdapter, username: string, options: ActionOptions): Promise<number> {
	requireDynsec(adapter, 'block');
	await ensureAuditable(options.auditLog);
	if (adapter.store.accounts.size > 0 && !adapter.store.accounts.has(username)) {
		throw new UserError(`no dynamic-security account named ${cleanText(username)}`, ExitCode.actionFailed);
	}

	const plan = planBlock(adapter.store, username);
	await confirmOrStop(plan, options, `Block username ${cleanText(username)}?`);
	return finish(adapter, options, 'block', username, await adapter.block(username));
}

export async function runUnblock(adapter: BrokerAdapter, username: string, options: ActionOptions): Promise<number> {
	requireDynsec(adapter, 'unblock');
	await ensureAuditable(options.auditLog);
	const plan = planUnblock(adapter.store, username);
	(options.out ?? ((line) => process.stdout.write(line + '\n')))(`mqtt-top ${plan.summary}`);
	return finish(adapter, options, 'unblock', username, await adapter.unblock(username));
}
