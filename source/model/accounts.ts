import {listedWhenOffline} from './persistence.js';
import type {SessionTable} from './session-table.js';
import type {Account, Session} from './types.js';

/**
 * What is known of the broker's accounts, and how it decides a session's status: a disabled
 * account's sessions are `blocked` whatever their connection does, and shown even when none is
 * known (one row per such account).
 */
export class AccountStatus {
	readonly accounts = new Map<string, Account>();

	constructor(private readonly table: SessionTable) {}

	isDisabled(username: string | undefined): boolean {
		return username !== undefined && this.accounts.get(username)?.disabled === true;
	}

	/** A row for each disabled account with no known session (new objects on every call). */
	rows(): Session[] {
		const rows: Session[] = [];
		for (const account of this.accounts.values()) {
			if (!account.disabled || this.table.hasSessionsOfUser(account.username)) continue;
			rows.push({
				node: this.table.node,
				clientId: account.clientId ?? '',
				username: account.username,
				subscriptions: new Map(),
				status: 'blocked',
				connectCount: 0,
				takeoverCount: 0,
				history: [],
				firstSeen: 0,
				addedRevision: 0,
				changedRevision: 0,
				accountOnly: true,
			});
		}

		return rows;
	}

	/** Replaces what is known of accounts (from dynamic security's listClients). */
	replace(accounts: Account[]): void {
		this.accounts.clear();
		const disabled = new Set<string>();
		for (const account of accounts) {
			this.accounts.set(account.username, account);
			if (account.disabled) disabled.add(account.username);
		}

		if (disabled.size > 0) this.reviveBlocked(disabled);
		for (const session of this.table.sessions.values()) this.restatus(session);
	}

	setDisabled(username: string, disabled: boolean): void {
		this.mark(username, disabled);
		for (const session of this.table.sessionsOfUser(username)) this.restatus(session);
	}

	/** Records an account's state; its sessions are left for the caller to restatus. */
	mark(username: string, disabled: boolean): void {
		const account = this.accounts.get(username) ?? {username, disabled};
		account.disabled = disabled;
		this.accounts.set(username, account);
		if (disabled) this.reviveBlocked(new Set([username]));
	}

	delete(username: string): void {
		this.accounts.delete(username);
	}

	/**
	 * The broker let this username in, so whatever we believed about it being disabled is stale,
	 * for every session of the account (the one that connected excepted: its caller sets it).
	 */
	loggedIn(username: string, session: Session): void {
		const account = this.accounts.get(username);
		if (!account?.disabled) return;
		account.disabled = false;
		for (const other of this.table.sessionsOfUser(username)) if (other !== session) this.restatus(other);
	}

	/** Where a listed session goes once its connection ended. */
	settle(session: Session, time: number): void {
		if (this.isDisabled(session.username)) {
			this.table.setStatus(session, 'blocked', time);
		} else if (listedWhenOffline(session)) {
			// Persistent, or an MQTT 5 session that may be: shown offline, never silently forgotten.
			this.table.setStatus(session, 'offline', time);
		} else {
			this.table.forget(session);
		}
	}

	/** Recomputes status after the account it belongs to changed. */
	restatus(session: Session): void {
		if (this.isDisabled(session.username)) {
			this.table.setStatus(session, 'blocked');
		} else if (session.status === 'blocked') {
			// Unblocked while disconnected: a persistent session waits on the broker, a clean one is gone.
			if (listedWhenOffline(session)) this.table.setStatus(session, 'offline', session.lastDisconnectAt ?? 0);
			else this.table.forget(session);
		}
	}

	/**
	 * Mosquitto logs the disconnects a disableClient causes before the dynsec line that says the
	 * account was disabled, so the store has already let those clean sessions go. A session whose
	 * last word was "disconnected by administrative action" comes back as blocked: the operator
	 * who blocked it sees its ID, blocked, rather than a row that vanished.
	 */
	private reviveBlocked(usernames: ReadonlySet<string>): void {
		for (const session of this.table.departed.values()) {
			if (session.username === undefined || !usernames.has(session.username)) continue;
			const last = session.history.at(-1);
			if (last?.type !== 'disconnect' || last.kind !== 'administrative') continue;
			this.table.departed.delete(session.clientId);
			session.status = 'blocked';
			session.addedRevision = this.table.revision;
			this.table.list(session, last.time);
			this.table.index(session);
		}
	}
}
