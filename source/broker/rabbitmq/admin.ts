// What mqtt-top can do to sessions on RabbitMQ through the management API. Kicks close
// connections; a block has no account switch to flip, so it removes the user's vhost permissions
// (saved first, for unblock) and closes the user's MQTT connections.
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionOutcome} from '../adapter.js';
import type {ActionPlan, BrokerAdmin, Capabilities, Capability, CapabilityState, Refusal, Target} from '../driver.js';
import {closeConnection, connectionNamesOfUser, getConnection} from './connections.js';
import {ManagementError, type ManagementClient} from './http.js';
import {isMqtt, type MqttConnection} from './mapper.js';
import {allPermissions, permissionsOfUser, removePermission, setPermission, userExists, whoami, type Permission} from './permissions.js';
import {readBlocks, writeBlocks, type BlockEntry, type BlockRecord} from './restore-file.js';

/** The part of the node's store the admin reads and marks (accounts blocked by mqtt-top). */
export type AdminStore = {
	get(clientId: string): Session | undefined;
	sessionsOfUser(username: string): Session[];
	setAccountDisabled(username: string, disabled: boolean): void;
};

export type RabbitAdminOptions = {
	client: ManagementClient;
	store: AdminStore;
	node: string;
	/** The newest round's MQTT connections by client ID. */
	connections(): ReadonlyMap<string, MqttConnection>;
	/** Runs a poll round (after an action, so the table shows its effect at once). */
	repoll(): Promise<void>;
	restoreFile: string;
	/** operator@host, for the broker's log (X-Reason) and the restore file. */
	operator: string;
	readOnly?: boolean;
	/** How long to wait for the broker to stop listing a closed connection. */
	confirmMs?: number;
	now?: () => number;
};

const notOffered: Partial<Record<Capability, string>> = {
	'kick-takeover': 'not needed on RabbitMQ: its management API closes one client connection directly (kick the client)',
	'ban-client': 'RabbitMQ has no ban by client ID: block the user instead (removes its vhost permissions)',
	'ban-address': 'RabbitMQ has no ban by address in its management API: use a firewall rule',
	traffic: "mqtt-top does not read RabbitMQ's traffic counters yet",
};

/** What the Queued column adds up on RabbitMQ (the `messages` of each queue). */
export const queuedCounts =
	"messages in the client's subscription queues (mqtt-subscription-ID qos0 and qos1), ready plus delivered and not yet acknowledged";

const acting: Capability[] = ['kick-client', 'kick-user', 'ban-user', 'unban'];

function list(sessions: Session[]): string {
	const shown = sessions.slice(0, 10).map((s) => cleanText(s.clientId));
	return shown.join(', ') + (sessions.length > 10 ? ` and ${sessions.length - 10} more` : '');
}

function sessionsText(sessions: Session[]): string {
	if (sessions.length === 0) return 'no session of it is online';
	return `disconnects ${sessions.length === 1 ? '1 session' : `${sessions.length} sessions`}: ${list(sessions)}`;
}

function vhostsText(permissions: readonly Permission[]): string {
	return permissions.map((p) => cleanText(p.vhost)).join(', ');
}

const byId = (a: Session, b: Session) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0);

export class RabbitAdmin implements BrokerAdmin {
	private tags: CapabilityState = {ok: false, why: 'asking the management API who mqtt-top is…', pending: true};
	private permissions = new Map<string, Permission[]>();
	private blocks: BlockRecord;
	private readonly confirmMs: number;
	private readonly now: () => number;

	constructor(private readonly options: RabbitAdminOptions) {
		this.blocks = {version: 1, node: options.node, blocks: []};
		this.confirmMs = options.confirmMs ?? 10_000;
		this.now = options.now ?? Date.now;
	}

	/** Asks who mqtt-top is on the broker (answered: its name and tags); reads bans and permissions. */
	async probe(): Promise<{name: string; tags: string[]}> {
		const me = await whoami(this.options.client);
		this.tags = me.tags.includes('administrator')
			? {ok: true}
			: {
					ok: false,
					why: `management user '${cleanText(me.name)}' lacks the administrator tag: RabbitMQ lets only administrators close others' connections and change permissions`,
				};
		await this.refresh();
		return me;
	}

	capabilities(): Capabilities {
		const out = new Map<Capability, CapabilityState>();
		for (const capability of acting) {
			out.set(capability, this.options.readOnly ? {ok: false, why: 'read-only (--read-only)'} : this.tags);
		}

		out.set('subscriptions', {ok: true});
		out.set('queued', {ok: true, what: queuedCounts});
		for (const [capability, why] of Object.entries(notOffered)) out.set(capability as Capability, {ok: false, why});
		return out;
	}

	async refresh(): Promise<void> {
		await this.reload();
		// Only an administrator may list every permission; without it the plans say less.
		if (this.tags.ok) this.permissions = await allPermissions(this.options.client);
	}

	/** Reads the restore file (another mqtt-top may have changed it) and marks the accounts it changed. */
	private async reload(): Promise<void> {
		const before = new Set(this.blocks.blocks.map((b) => b.user));
		this.blocks = await readBlocks(this.options.restoreFile, this.options.node);
		const now = new Set(this.blocks.blocks.map((b) => b.user));
		// Only what changed: every call would otherwise stamp the store as changed.
		for (const user of now) if (!before.has(user)) this.options.store.setAccountDisabled(user, true);
		for (const user of before) if (!now.has(user)) this.options.store.setAccountDisabled(user, false);
	}

	private entry(user: string): BlockEntry | undefined {
		return this.blocks.blocks.find((b) => b.user === user);
	}

	private online(user: string): Session[] {
		return this.options.store
			.sessionsOfUser(user)
			.filter((s) => s.status === 'online')
			.sort(byId);
	}

	plan(capability: Capability, target: Target): ActionPlan | Refusal {
		const base = {capability, target, destructive: false};
		const value = target.value;
		const shown = cleanText(value);
		switch (capability) {
			case 'kick-client': {
				const session = this.options.store.get(value);
				const listed = this.options.connections().get(value);
				if (session?.status !== 'online' && !listed) return {refused: `client ${shown} is not connected: nothing to close`};
				const affected = [session?.status === 'online' ? session : listedSession(listed!, this.options.node)];
				const clean = session?.cleanSession ?? listed?.snapshot.cleanSession;
				const notes = [
					clean === false
						? "RabbitMQ keeps this persistent (clean session false) session's queue: messages for it keep queueing until it returns"
						: clean === true
							? 'its clean session ends with the connection: its subscriptions are dropped'
							: 'if it is a persistent (clean session false) session, RabbitMQ keeps its queue; a clean one loses its subscriptions',
					'the client may reconnect at once: block its user to keep it out',
				];
				return {
					...base,
					affected,
					targets: [value],
					summary: `closes client ${shown}'s connection${listed?.snapshot.address ? ` from ${cleanText(listed.snapshot.address)}` : ''}`,
					notes,
					persistent: clean === undefined ? undefined : !clean,
				};
			}

			case 'kick-user': {
				const affected = this.online(value);
				return {
					...base,
					affected,
					targets: affected.map((s) => s.clientId),
					summary: `closes every MQTT connection of user ${shown}: ${sessionsText(affected)}`,
					notes: [
						'the clients may reconnect at once: block the user to keep them out',
						`connections of ${shown} over other protocols (AMQP, STOMP) stay open`,
					],
				};
			}

			case 'ban-user': {
				if (value === this.options.client.username) {
					return {refused: `${shown} is the account mqtt-top itself uses for the management API: block it with rabbitmqctl if you mean to`};
				}

				const affected = this.online(value);
				const saved = this.entry(value);
				if (saved) return {refused: `user ${shown} is already blocked by mqtt-top (since ${new Date(saved.blockedAt).toISOString()})`};

				const permissions = this.permissions.get(value) ?? [];
				const removes =
					permissions.length > 0
						? `removes its permissions on vhost${permissions.length === 1 ? '' : 's'} ${vhostsText(permissions)}`
						: 'removes its permissions on every vhost it has them on (none were listed)';
				return {
					...base,
					affected,
					targets: affected.map((s) => s.clientId),
					summary: `blocks user ${shown}: ${removes}; ${sessionsText(affected)}`,
					notes: [
						'RabbitMQ has no switch to disable a user: mqtt-top removes its permissions, so its clients are refused when they reconnect',
						`${shown} loses access over every protocol (AMQP and STOMP too), not only MQTT; mqtt-top closes only its MQTT connections`,
						`the permissions are saved in ${this.options.restoreFile} first; unblock puts them back`,
					],
				};
			}

			case 'unban': {
				const saved = this.entry(value);
				if (!saved) return {refused: `user ${shown} was not blocked by mqtt-top on this node: nothing to restore`};
				return {
					...base,
					affected: [],
					targets: [],
					summary: `unblocks user ${shown}: restores its permissions on vhost${saved.permissions.length === 1 ? '' : 's'} ${vhostsText(saved.permissions)} (saved ${new Date(saved.blockedAt).toISOString()} by ${cleanText(saved.by)})`,
					notes: ['permissions given to the user since the block, on those vhosts, are replaced by the saved ones'],
				};
			}

			default:
				return {refused: notOffered[capability] ?? `${capability} is not offered on RabbitMQ`};
		}
	}

	async perform(plan: ActionPlan): Promise<ActionOutcome> {
		const state = this.capabilities().get(plan.capability);
		if (!state?.ok) return failed(`${plan.capability} is not available: ${state?.why ?? 'not offered'}`);
		try {
			switch (plan.capability) {
				case 'kick-client':
					return await this.kickClient(plan.target.value);
				case 'kick-user':
					return await this.kickUser(plan.target.value);
				case 'ban-user':
					return await this.block(plan.target.value);
				case 'unban':
					return await this.unblock(plan.target.value);
				default:
					return failed(`${plan.capability} is not available on RabbitMQ`);
			}
		} catch (error) {
			return outcomeOf(error);
		} finally {
			void this.options.repoll();
		}
	}

	private reason(what: string): string {
		return `mqtt-top: ${what} by ${this.options.operator}`;
	}

	private async kickClient(clientId: string): Promise<ActionOutcome> {
		const shown = cleanText(clientId);
		const connection = this.options.connections().get(clientId);
		if (!connection)
			return failed(`client ${shown} is not in RabbitMQ's connection list (not connected, or not listed yet: try again in a few seconds)`);
		const closed = await this.close([connection.name], this.reason('kicked'));
		if (closed.gone.length === 1) return {result: 'done', message: `closed client ${shown}'s connection`, disconnected: [clientId]};
		if (closed.missing.length === 1) return failed(`client ${shown} had already disconnected`);
		return unknown(`RabbitMQ accepted closing client ${shown}'s connection but still lists it`);
	}

	/** The user's MQTT connections now (a fresh question, not the last round's). */
	private async mqttConnectionsOf(user: string): Promise<Array<{name: string; clientId: string}>> {
		const names = await connectionNamesOfUser(this.options.client, user);
		const out: Array<{name: string; clientId: string}> = [];
		for (const name of names) {
			const connection = await getConnection(this.options.client, name);
			const clientId = connection?.client_properties?.client_id;
			if (connection && isMqtt(connection) && typeof clientId === 'string') out.push({name, clientId});
		}

		return out;
	}

	private async kickUser(user: string): Promise<ActionOutcome> {
		const shown = cleanText(user);
		const connections = await this.mqttConnectionsOf(user);
		if (connections.length === 0) return failed(`user ${shown} has no MQTT connection`);
		const closed = await this.close(
			connections.map((c) => c.name),
			this.reason('kicked'),
		);
		const disconnected = connections
			.filter((c) => !closed.still.includes(c.name))
			.map((c) => c.clientId)
			.sort();
		const message = `closed ${disconnected.length} of ${connections.length} MQTT connections of user ${shown}`;
		if (closed.still.length > 0)
			return {result: 'unknown', message: `${message}; RabbitMQ still lists ${closed.still.length}`, disconnected};
		return {result: 'done', message, disconnected};
	}

	private async block(user: string): Promise<ActionOutcome> {
		const shown = cleanText(user);
		const {client, restoreFile} = this.options;
		await this.reload();
		const saved = this.entry(user);
		if (saved)
			return failed(`user ${shown} is already blocked by mqtt-top (since ${new Date(saved.blockedAt).toISOString()}): unblock it first`);
		if (!(await userExists(client, user))) return failed(`RabbitMQ has no user ${shown}`);
		const permissions = await permissionsOfUser(client, user);
		if (permissions.length === 0) {
			return failed(`user ${shown} has no permissions on any vhost: it cannot use RabbitMQ already, nothing to remove`);
		}

		const entry: BlockEntry = {user, blockedAt: this.now(), by: this.options.operator, permissions};
		const record: BlockRecord = {...this.blocks, blocks: [...this.blocks.blocks, entry]};
		// On disk before anything is removed: a failure here leaves the user as it was.
		await writeBlocks(restoreFile, record);
		this.blocks = record;
		this.options.store.setAccountDisabled(user, true);
		try {
			for (const permission of permissions) await removePermission(client, user, permission.vhost);
		} catch (error) {
			const outcome = outcomeOf(error);
			return {
				...outcome,
				message: `${outcome.message} (while blocking ${shown}: its saved permissions stay in ${restoreFile}; unblock restores them)`,
			};
		}

		const connections = await this.mqttConnectionsOf(user);
		const closed = await this.close(
			connections.map((c) => c.name),
			this.reason('blocked'),
		);
		const disconnected = connections
			.filter((c) => !closed.still.includes(c.name))
			.map((c) => c.clientId)
			.sort();
		const message = `blocked user ${shown}: removed its permissions on ${vhostsText(permissions)}; closed ${disconnected.length} MQTT connection${disconnected.length === 1 ? '' : 's'}${disconnected.length > 0 ? `: ${disconnected.map(cleanText).join(', ')}` : ''}`;
		if (closed.still.length > 0)
			return {result: 'unknown', message: `${message}; RabbitMQ still lists ${closed.still.length}`, disconnected};
		return {result: 'done', message, disconnected};
	}

	private async unblock(user: string): Promise<ActionOutcome> {
		const shown = cleanText(user);
		const {client, restoreFile} = this.options;
		await this.reload();
		const saved = this.entry(user);
		if (!saved) return failed(`user ${shown} was not blocked by mqtt-top on this node (nothing saved in ${restoreFile})`);
		if (!(await userExists(client, user))) {
			return failed(`RabbitMQ no longer has user ${shown}: its saved permissions stay in ${restoreFile}`);
		}

		for (const permission of saved.permissions) await setPermission(client, user, permission);
		const record: BlockRecord = {...this.blocks, blocks: this.blocks.blocks.filter((b) => b !== saved)};
		await writeBlocks(restoreFile, record);
		this.blocks = record;
		this.options.store.setAccountDisabled(user, false);
		return {
			result: 'done',
			message: `unblocked user ${shown}: restored its permissions on ${vhostsText(saved.permissions)}`,
			disconnected: [],
		};
	}

	/**
	 * Closes connections and waits for the broker to stop listing them: `gone` were closed,
	 * `missing` had already gone before the request, `still` are listed after the wait.
	 */
	private async close(names: string[], reason: string): Promise<{gone: string[]; missing: string[]; still: string[]}> {
		const missing: string[] = [];
		const pending: string[] = [];
		for (const name of names) {
			if (await closeConnection(this.options.client, name, reason)) pending.push(name);
			else missing.push(name);
		}

		// Real time, whatever clock stamps the restore file.
		const deadline = Date.now() + this.confirmMs;
		let still = pending;
		for (;;) {
			const listed: string[] = [];
			for (const name of still) if (await getConnection(this.options.client, name)) listed.push(name);
			still = listed;
			if (still.length === 0 || Date.now() >= deadline) break;
			await new Promise((r) => setTimeout(r, 200));
		}

		return {gone: pending.filter((n) => !still.includes(n)), missing, still};
	}
}

/** A row for a connection the store has not taken in yet (it was listed after the last reconcile). */
function listedSession(connection: MqttConnection, node: string): Session {
	return {
		node,
		clientId: connection.clientId,
		username: connection.user,
		subscriptions: new Map(),
		status: 'online',
		connectCount: 1,
		takeoverCount: 0,
		history: [],
		firstSeen: connection.snapshot.connectedAt ?? 0,
		addedRevision: 0,
		changedRevision: 0,
	};
}

function failed(message: string): ActionOutcome {
	return {result: 'failed', message, disconnected: []};
}

function unknown(message: string): ActionOutcome {
	return {result: 'unknown', message, disconnected: []};
}

/** A request that timed out may still have been carried out: unknown, never failed. */
function outcomeOf(error: unknown): ActionOutcome {
	if (error instanceof ManagementError && (error.kind === 'timeout' || error.kind === 'aborted')) {
		return unknown(`no answer from RabbitMQ: ${error.message}`);
	}

	return failed(error instanceof Error ? error.message : String(error));
}
