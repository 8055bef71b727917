// What an operator can do to VerneMQ sessions through its HTTP API: disconnect one client ID
// (`session disconnect`), with `--cleanup` only when the plan says the session is destroyed.
import type {SessionStore} from '../../model/session-store.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionOutcome} from '../adapter.js';
import type {ActionPlan, BrokerAdmin, Capabilities, Capability, CapabilityState, Refusal, Target} from '../driver.js';
import type {HttpClient} from '../http/client.js';
import {outcomeOfError, who} from '../http/wording.js';
import type {VernemqListing} from './listing.js';
import {disconnectSession} from './sessions.js';

export type VernemqAdminDeps = {
	http: HttpClient;
	store: SessionStore;
	listing: VernemqListing;
	relist: () => Promise<boolean>;
	readOnly: boolean;
};

const noBans = 'VerneMQ’s HTTP API has no bans: who may connect is up to its auth plugins (vmq_passwd, vmq_acl, webhooks, databases)';

const unsupported: Partial<Record<Capability, string>> = {
	'kick-user': 'VerneMQ disconnects by client ID only: kick each client ID of the username',
	'kick-takeover': 'not needed: VerneMQ disconnects any client ID through its API',
	'ban-client': noBans,
	'ban-user': noBans,
	'ban-address': noBans,
	unban: noBans,
	traffic: 'session show lists no per-client message counts',
};

/**
 * What the Queued column adds up on VerneMQ. Its `waiting_acks` is left out: it is per connection
 * and also counts incoming QoS 2 messages waiting for their PUBREL (vmq_mqtt_fsm).
 */
export const queuedCounts =
	'offline_messages plus online_messages of the session’s queue (not yet handed to the connection; sent and unacknowledged ones are not counted)';

export function vernemqCapabilities(readOnly: boolean): Capabilities {
	const map = new Map<Capability, CapabilityState>();
	map.set('queued', {ok: true, what: queuedCounts});
	map.set('kick-client', readOnly ? {ok: false, why: 'mqtt-top runs with --read-only'} : {ok: true});
	map.set('subscriptions', {ok: true});
	for (const [capability, why] of Object.entries(unsupported)) map.set(capability as Capability, {ok: false, why});
	return map;
}

/**
 * VerneMQ pastes the client ID (and mountpoint) between double quotes into a query of its own
 * (vmq_info_cli's `session disconnect`): an ID with a quote or backslash could match other
 * sessions than the one meant, so mqtt-top does not send it.
 */
export function unsafeForQuery(value: string): boolean {
	return /["\\]/.test(value);
}

export class VernemqAdmin implements BrokerAdmin {
	private readonly caps: Capabilities;

	constructor(private readonly deps: VernemqAdminDeps) {
		this.caps = vernemqCapabilities(deps.readOnly);
	}

	capabilities(): Capabilities {
		return this.caps;
	}

	/** What each plan was made from: perform acts on exactly that session, or on nothing. */
	private readonly planned = new WeakMap<ActionPlan, {mountpoint: string; online: boolean | undefined}>();

	plan(capability: Capability, target: Target): ActionPlan | Refusal {
		const plan = this.planFor(capability, target);
		if (!('refused' in plan)) {
			const listed = this.deps.listing.listed.get(target.value);
			this.planned.set(plan, {mountpoint: listed?.mountpoint ?? '', online: listed?.online});
		}

		return plan;
	}

	private planFor(capability: Capability, target: Target): ActionPlan | Refusal {
		const shown = who(target);
		const base = {capability, target, targets: target.by === 'client' ? [target.value] : [], notes: [] as string[], destructive: false};
		const state = this.caps.get(capability);
		if (!state?.ok) return {refused: state?.why ?? `${capability}: not an action`};
		// Subscriptions are read by the listing, not performed.
		if (capability !== 'kick-client') return {refused: `${capability}: not an action`};
		if (target.by !== 'client') return {refused: `kick-client takes a client ID, not a ${target.by}`};

		const listed = this.deps.listing.listed.get(target.value);
		const mountpoint = listed?.mountpoint ?? '';
		if (unsafeForQuery(target.value) || unsafeForQuery(mountpoint)) {
			return {
				refused: `cannot kick ${shown}: VerneMQ puts the ID in a quoted query, where its " or \\ could match other sessions; use vmq-admin on the broker`,
			};
		}

		const session = this.deps.store.get(target.value);
		const where = mountpoint === '' ? '' : ` (mountpoint ${cleanText(mountpoint)})`;
		if (listed && !listed.online) {
			// Offline: disconnecting changes nothing, so the only kick there is is deleting the session.
			const queued = listed.queued === undefined ? 'its queued messages' : `its ${listed.queued} queued messages`;
			return {
				...base,
				affected: [],
				summary: `deletes the offline session of ${shown}${where}: ${queued} and subscriptions are gone`,
				notes: ['VerneMQ’s session disconnect with --cleanup: the session cannot be restored'],
				destructive: true,
				persistent: true,
			};
		}

		const affected = session?.status === 'online' || listed?.online ? (session ? [session] : []) : [];
		const persistent = listed?.cleanSession === undefined ? undefined : !listed.cleanSession;
		const notes = [
			persistent === false
				? 'a clean session: VerneMQ discards it as the connection closes'
				: 'a persistent session stays on VerneMQ, offline, queueing messages until the client reconnects; kick it again once offline to delete it',
		];
		if (!listed) notes.unshift('mqtt-top has not listed this client ID: VerneMQ answers the same whether or not it exists');
		return {...base, affected, summary: `kicks ${shown}${where}: disconnects it now`, notes, persistent};
	}

	async perform(plan: ActionPlan): Promise<ActionOutcome> {
		const state = this.caps.get(plan.capability);
		if (!state?.ok || plan.capability !== 'kick-client' || plan.target.by !== 'client') {
			return {result: 'failed', message: `${plan.capability}: ${state?.ok === false ? state.why : 'not an action'}`, disconnected: []};
		}

		const id = plan.target.value;
		const shown = who(plan.target);
		const listed = this.deps.listing.listed.get(id);
		const then = this.planned.get(plan);
		const mountpoint = then?.mountpoint ?? listed?.mountpoint ?? '';
		// The listing moved while the dialog was open (another mountpoint's session of this ID, or
		// it went offline, where a kick deletes): what was confirmed is no longer what would be hit.
		if (then && ((listed?.mountpoint ?? '') !== then.mountpoint || listed?.online !== then.online)) {
			return {
				result: 'failed',
				message: `${shown} changed since the plan was made: nothing was sent; look again and retry`,
				disconnected: [],
			};
		}

		if (unsafeForQuery(id) || unsafeForQuery(mountpoint))
			return {result: 'failed', message: `cannot kick ${shown}: its ID cannot be sent safely`, disconnected: []};
		const before = plan.affected.map((s) => s.clientId);
		try {
			await disconnectSession(this.deps.http, id, {mountpoint, cleanup: plan.destructive});
		} catch (error) {
			return outcomeOfError(error, `kick ${shown}`);
		}

		// VerneMQ says "Done" for any client ID, existing or not: the listing is the confirmation.
		if (!(await this.deps.relist())) {
			return {
				result: 'done',
				message: `asked VerneMQ to ${plan.destructive ? 'delete' : 'kick'} ${shown}; the next listing has not confirmed it yet`,
				disconnected: before,
			};
		}

		const now = this.deps.listing.listed.get(id);
		if (plan.destructive) {
			return now
				? {result: 'failed', message: `VerneMQ still lists the session of ${shown}`, disconnected: []}
				: {result: 'done', message: `deleted the offline session of ${shown}`, disconnected: []};
		}

		if (!listed && !now)
			return {result: 'failed', message: `VerneMQ has no session ${cleanText(id)}: nothing was disconnected`, disconnected: []};
		if (now?.online && now.connectedAt !== listed?.connectedAt)
			return {result: 'done', message: `kicked ${shown}; it has already connected again`, disconnected: before};
		if (now?.online) return {result: 'failed', message: `VerneMQ answered Done but still lists ${shown} online`, disconnected: []};
		return {result: 'done', message: `kicked ${shown}`, disconnected: before};
	}

	async refresh(): Promise<void> {
		await this.deps.relist();
	}
}
