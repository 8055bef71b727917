// What an operator can do to EMQX 5 sessions, and exactly what each action does there:
// - DELETE /clients/{id} kicks one client ID: EMQX publishes its will message and discards its
//   session, persistent or not (emqx_channel's kick).
// - A client-ID ban also kicks a live session (emqx_banned:on_banned); a username or address ban
//   only refuses new connections: live sessions stay connected. The dialogs say so.
import type {SessionStore} from '../../model/session-store.js';
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionOutcome} from '../adapter.js';
import type {ActionPlan, BrokerAdmin, Capabilities, Capability, CapabilityState, Refusal, Target} from '../driver.js';
import type {HttpClient} from '../http/client.js';
import {byClientId, names, outcomeOfError, sessionsWord, who} from '../http/wording.js';
import {createBan, deleteBan, type BanKind} from './banned.js';
import {kickClient} from './clients.js';
import type {EmqxListing, ListedClient} from './listing.js';
import {banActive} from './mapper.js';

export type EmqxAdminDeps = {
	http: HttpClient;
	store: SessionStore;
	listing: EmqxListing;
	/** Runs a listing round now; answers whether it completed. */
	relist: () => Promise<boolean>;
	readOnly: boolean;
};

const banKinds: Record<Target['by'], BanKind> = {client: 'clientid', user: 'username', address: 'peerhost'};

const unsupported: Partial<Record<Capability, string>> = {
	'kick-user': 'EMQX 5 has no kick by username: kick each client ID, or ban the username (which disconnects nobody)',
	'kick-takeover': 'not needed: EMQX kicks any client ID through its API',
	traffic: 'EMQX lists message counters per poll, not a stream of packets: per-second traffic is not shown',
};

const supported: Capability[] = ['kick-client', 'ban-client', 'ban-user', 'ban-address', 'unban', 'subscriptions'];

/** What the Queued column adds up on EMQX (see mapper.ts clientSnapshot). */
export const queuedCounts = 'mqueue_len (waiting in the session’s message queue) plus inflight_cnt (sent, not yet acknowledged)';

export function emqxCapabilities(readOnly: boolean): Capabilities {
	const map = new Map<Capability, CapabilityState>();
	map.set('queued', {ok: true, what: queuedCounts});
	for (const capability of supported) {
		map.set(capability, readOnly && capability !== 'subscriptions' ? {ok: false, why: 'mqtt-top runs with --read-only'} : {ok: true});
	}

	for (const [capability, why] of Object.entries(unsupported)) map.set(capability as Capability, {ok: false, why});
	return map;
}

/**
 * Connected clients by the last listing, not by the store's status: the store shows a session of
 * a banned username as blocked, while on EMQX it is still connected.
 */
function onlineWhere(store: SessionStore, listing: EmqxListing, match: (client: ListedClient) => boolean): Session[] {
	const out: Session[] = [];
	for (const [clientId, client] of listing.listed) {
		if (!client.online || !match(client)) continue;
		const session = store.get(clientId);
		if (session) out.push(session);
	}

	return out.sort(byClientId);
}

export class EmqxAdmin implements BrokerAdmin {
	private readonly caps: Capabilities;

	constructor(private readonly deps: EmqxAdminDeps) {
		this.caps = emqxCapabilities(deps.readOnly);
	}

	capabilities(): Capabilities {
		return this.caps;
	}

	plan(capability: Capability, target: Target): ActionPlan | Refusal {
		const {store} = this.deps;
		const shown = who(target);
		const base = {capability, target, targets: target.by === 'client' ? [target.value] : [], notes: [] as string[], destructive: false};
		const state = this.caps.get(capability);
		if (!state?.ok) return {refused: state?.why ?? `${capability}: not an action`};

		switch (capability) {
			case 'kick-client':
			case 'ban-client': {
				if (target.by !== 'client') return {refused: `${capability} takes a client ID, not a ${target.by}`};
				const session = store.get(target.value);
				const listed = this.deps.listing.listed.get(target.value);
				const online = listed ? listed.online : session?.status === 'online';
				const affected = online && session ? [session] : [];
				const keeps = listed?.keepsSession;
				// Unknown (never listed) counts as persistent: a guess must not destroy a queue unasked.
				const persistent = keeps ?? (session ? session.cleanSession === false || session.protocol === '5.0' : undefined);
				const notes = [
					'EMQX publishes the client’s will message, as if the connection had dropped',
					persistent === false
						? 'its session is discarded (a clean session: nothing is lost)'
						: 'its session is discarded with its queued messages and subscriptions, even a persistent one',
				];
				const now = online
					? 'disconnects it now'
					: listed || session
						? 'it is offline: its kept session is discarded'
						: 'mqtt-top has not listed it';
				const summary =
					capability === 'kick-client' ? `kicks ${shown}: ${now}` : `bans ${shown}: ${now}, and EMQX refuses it until the ban is lifted`;
				if (capability === 'ban-client') notes.unshift('only a client-ID ban disconnects a live session; username and address bans do not');
				return {...base, affected, notes, summary, destructive: persistent !== false, persistent};
			}

			case 'ban-user':
			case 'ban-address': {
				const wanted = capability === 'ban-user' ? 'user' : 'address';
				if (target.by !== wanted)
					return {refused: `${capability} takes a ${wanted === 'user' ? 'username' : 'address'}, not a ${target.by}`};
				const live = onlineWhere(store, this.deps.listing, (c) =>
					wanted === 'user' ? c.username === target.value : c.address === target.value,
				);
				const stay =
					live.length === 0
						? 'no known session is online'
						: `${sessionsWord(live.length)} ${live.length === 1 ? 'stays' : 'stay'} online: ${names(live)}`;
				return {
					...base,
					affected: [],
					targets: live.map((s) => s.clientId),
					summary: `bans ${shown}: EMQX refuses new connections; ${stay}`,
					notes: [
						`EMQX does NOT disconnect live sessions for ${wanted === 'user' ? 'a username' : 'an address'} ban: kick them (or ban their client IDs) to end them`,
					],
				};
			}

			case 'unban': {
				const as = banKinds[target.by];
				const ban = this.deps.listing.bans.find((b) => b.as === as && b.who === target.value && banActive(b, Date.now()));
				const known = target.by === 'user' ? store.sessionsOfUser(target.value).map((s) => s.clientId) : base.targets;
				return {
					...base,
					affected: [],
					targets: known,
					summary: `lifts the ban on ${shown}: EMQX accepts it again`,
					notes: ban ? [] : [`EMQX listed no ban on ${shown} at the last poll: it may answer that there is none`],
				};
			}

			default:
				// Subscriptions are read by the listing, not performed.
				return {refused: `${capability}: not an action`};
		}
	}

	async perform(plan: ActionPlan): Promise<ActionOutcome> {
		const state = this.caps.get(plan.capability);
		if (!state?.ok) return {result: 'failed', message: `${plan.capability}: ${state?.why ?? 'not an action'}`, disconnected: []};
		const {target} = plan;
		const shown = who(target);
		try {
			switch (plan.capability) {
				case 'kick-client': {
					const answer = await kickClient(this.deps.http, target.value);
					if (answer.result === 'not-found')
						return {result: 'failed', message: `EMQX has no client ${cleanText(target.value)}: it has already gone`, disconnected: []};
					if (answer.result === 'refused')
						return {result: 'failed', message: `EMQX refused to kick ${shown}: ${answer.detail}`, disconnected: []};
					return this.confirmGone(plan, `kicked ${shown}`);
				}

				case 'ban-client':
				case 'ban-user':
				case 'ban-address': {
					const answer = await createBan(this.deps.http, banKinds[target.by], target.value, 'banned from mqtt-top');
					if (answer.result === 'refused')
						return {result: 'failed', message: `EMQX refused to ban ${shown}: ${answer.detail}`, disconnected: []};
					const already = answer.result === 'exists' ? ' (it was already banned)' : '';
					if (plan.capability === 'ban-client') return this.confirmGone(plan, `banned ${shown}${already}`);
					await this.deps.relist();
					return {result: 'done', message: `banned ${shown}${already}; its live sessions were not disconnected`, disconnected: []};
				}

				case 'unban': {
					const answer = await deleteBan(this.deps.http, banKinds[target.by], target.value);
					if (answer.result === 'not-found') return {result: 'failed', message: `EMQX has no ban on ${shown}`, disconnected: []};
					if (answer.result === 'refused')
						return {result: 'failed', message: `EMQX refused to lift the ban on ${shown}: ${answer.detail}`, disconnected: []};
					await this.deps.relist();
					return {result: 'done', message: `lifted the ban on ${shown}`, disconnected: []};
				}

				default:
					return {result: 'failed', message: `${plan.capability} is not an action mqtt-top performs on EMQX`, disconnected: []};
			}
		} catch (error) {
			return outcomeOfError(error, `${plan.capability} ${shown}`);
		}
	}

	async refresh(): Promise<void> {
		await this.deps.relist();
	}

	/** EMQX answered yes; the next listing says whether the client really left (or came straight back). */
	private async confirmGone(plan: ActionPlan, did: string): Promise<ActionOutcome> {
		const before = plan.affected.map((s) => s.clientId);
		const connectedBefore = this.deps.listing.listed.get(plan.target.value)?.connectedAt;
		if (!(await this.deps.relist())) {
			return {result: 'done', message: `${did}; EMQX confirmed it, the next listing has not yet`, disconnected: before};
		}

		const now = this.deps.listing.listed.get(plan.target.value);
		if (now?.online && now.connectedAt !== connectedBefore) {
			return {result: 'done', message: `${did}; it has already connected again`, disconnected: before};
		}

		if (now?.online) return {result: 'done', message: `${did}; EMQX confirmed it but still lists it online`, disconnected: []};
		return {result: 'done', message: did, disconnected: before};
	}
}
