import type {SessionStore} from '../../model/session-store.js';
import type {ActionAvailability, ActionOutcome} from '../adapter.js';
import type {ActionPlan, BrokerAdmin, Capabilities, Capability, CapabilityState, Refusal, Target} from '../driver.js';
import {planBlock, planKickUser, planTakeover, planUnblock} from './plans.js';

/** The adapter's commands the admin half drives. */
export type MosquittoCommands = {
	readonly actions: ActionAvailability;
	readonly store: SessionStore;
	kickByUsername(username: string): Promise<ActionOutcome>;
	kickByTakeover(clientId: string): Promise<ActionOutcome>;
	block(username: string): Promise<ActionOutcome>;
	unblock(username: string): Promise<ActionOutcome>;
	refreshAccounts(): Promise<void>;
};

const no = (why: string): CapabilityState => ({ok: false, why});

/** Why Mosquitto has no Queued column: its only figure is one broker-wide total. */
export const noQueues =
	'Mosquitto does not expose per-session queue depth: $SYS/broker/store/messages/count is one total for the whole broker, retained messages included';

/**
 * Mosquitto's administration: dynamic security acts on usernames (kick = `modifyClient`, block =
 * `disableClient`); one client ID can only be disconnected by taking it over.
 */
export class MosquittoAdmin implements BrokerAdmin {
	constructor(private readonly commands: MosquittoCommands) {}

	capabilities(): Capabilities {
		const {actions, store} = this.commands;
		const dynsec: CapabilityState = actions.dynsec ? {ok: true} : {ok: false, why: actions.reason, pending: actions.pending};
		return new Map<Capability, CapabilityState>([
			['kick-client', no('Mosquitto has no command that disconnects one client ID: kick is by username, or by takeover')],
			['kick-user', dynsec],
			['kick-takeover', {ok: true}],
			['ban-client', no('dynamic security disables accounts (usernames), not client IDs')],
			['ban-user', dynsec],
			['ban-address', no('Mosquitto has no address ban that can be set while it runs')],
			['unban', dynsec],
			['subscriptions', {ok: true}],
			['queued', no(noQueues)],
			[
				'traffic',
				store.hasTraffic ? {ok: true} : no("message counts need the broker's file log with debug lines (log_type all) and --log-file"),
			],
		]);
	}

	plan(capability: Capability, target: Target): ActionPlan | Refusal {
		const {store} = this.commands;
		switch (capability) {
			case 'kick-user':
				return planKickUser(store, target);
			case 'kick-takeover':
				return planTakeover(store, target);
			case 'ban-user':
				return planBlock(store, target);
			case 'unban':
				return planUnblock(store, target);
			default:
				return {
					refused:
						this.capabilities().get(capability)?.ok === false ? why(this.capabilities(), capability) : `${capability}: not an action`,
				};
		}
	}

	async perform(plan: ActionPlan): Promise<ActionOutcome> {
		const {value} = plan.target;
		switch (plan.capability) {
			case 'kick-user':
				return this.commands.kickByUsername(value);
			case 'kick-takeover':
				return this.commands.kickByTakeover(value);
			case 'ban-user':
				return this.commands.block(value);
			case 'unban':
				return this.commands.unblock(value);
			default:
				return {result: 'failed', message: `${plan.capability}: ${why(this.capabilities(), plan.capability)}`, disconnected: []};
		}
	}

	refresh(): Promise<void> {
		return this.commands.refreshAccounts();
	}
}

function why(capabilities: Capabilities, capability: Capability): string {
	const state = capabilities.get(capability);
	return state && !state.ok ? state.why : 'not available';
}
