// Plans in the words the older tests were written in (kind / username / clientId), computed by
// the real seam: the capability choice (actions/choose.ts) and Mosquitto's admin.
import {isRefusal, planAccountOf, planKickOf} from '../../source/actions/choose.js';
import type {ActionAvailability, ActionOutcome} from '../../source/broker/adapter.js';
import type {ActionPlan, Refusal} from '../../source/broker/driver.js';
import {MosquittoAdmin} from '../../source/broker/mosquitto/admin.js';
import {newSession} from '../../source/model/session-record.js';
import type {SessionStore} from '../../source/model/session-store.js';
import type {Session} from '../../source/model/types.js';

const unused = async (): Promise<ActionOutcome> => {
	throw new Error('planning only');
};

export function mosquittoAdmin(store: SessionStore, actions: ActionAvailability): MosquittoAdmin {
	return new MosquittoAdmin({
		actions,
		store,
		kickByUsername: unused,
		kickByTakeover: unused,
		block: unused,
		unblock: unused,
		refreshAccounts: async () => {},
	});
}

function row(store: SessionStore, clientId: string, username?: string): Session {
	return store.get(clientId) ?? {...newSession(store.node, clientId, 0, false), username, accountOnly: username !== undefined};
}

const kinds: Record<string, string> = {'kick-user': 'kick-user', 'kick-takeover': 'kick-takeover', 'ban-user': 'block', unban: 'unblock'};

export type LegacyPlan = ActionPlan & {kind: string; username?: string; clientId?: string};

function legacy(
	plan: ActionPlan | Refusal,
): LegacyPlan | {kind: 'impossible'; summary: string; destructive?: undefined; persistent?: undefined} {
	if (isRefusal(plan)) return {kind: 'impossible', summary: plan.refused};
	const {by, value} = plan.target;
	return {
		...plan,
		kind: kinds[plan.capability],
		username: by === 'user' ? value : undefined,
		clientId: by === 'client' ? value : undefined,
	};
}

export function planKick(store: SessionStore, clientId: string, actions: ActionAvailability) {
	return legacy(planKickOf(row(store, clientId), mosquittoAdmin(store, actions)));
}

export function planBlock(store: SessionStore, username: string) {
	return legacy(planAccountOf('block', row(store, '', username), mosquittoAdmin(store, {dynsec: true})));
}

export function planUnblock(store: SessionStore, username: string) {
	return legacy(planAccountOf('unblock', row(store, '', username), mosquittoAdmin(store, {dynsec: true})));
}
