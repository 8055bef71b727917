import type {ActionPlan, Capability} from '../broker/driver.js';

/**
 * The audit log's action names. They predate the capability names and scripts read them, so the
 * Mosquitto ones stay as they were (`kick`, `kick-takeover`, `block`, `unblock`).
 */
const auditNames: Record<Capability, string> = {
	'kick-client': 'kick',
	'kick-user': 'kick',
	'kick-takeover': 'kick-takeover',
	'ban-user': 'block',
	'ban-client': 'block-client',
	'ban-address': 'block-address',
	unban: 'unblock',
	subscriptions: 'subscriptions',
	traffic: 'traffic',
	queued: 'queued',
};

export function auditAction(plan: ActionPlan): string {
	return auditNames[plan.capability];
}

/** Whom the audit line names: the client IDs asked about, and the username a kick went through. */
export function auditTarget(plan: ActionPlan): string {
	const {target} = plan;
	if (plan.capability === 'kick-user') return `${plan.targets.join(', ')} (username ${target.value})`;
	if (plan.capability === 'unban' && target.by !== 'user') return `${target.by} ${target.value}`;
	return target.value;
}
