// An emulation of Mosquitto's dynamic-security control API, just wide enough for what mqtt-top
// uses (listClients, getClient, disableClient, enableClient, modifyClient), answering in the
// plugin's own response shape so the unchanged DynsecClient talks to it.
import type {DemoAccount} from './accounts.js';

export type DynsecCommand = {command?: unknown; correlationData?: unknown; [key: string]: unknown};
export type DynsecResult = {command: string; correlationData?: unknown; error?: string; data?: unknown};

/** Who sent a command, for the audit line. */
export type Actor = {clientId: string; username: string};

export type DynsecHooks = {
	/** Disconnects every session logged in as `username` (and logs each, as Mosquitto does). */
	kick(username: string): void;
	/** Writes the `dynsec: ...` audit line. */
	audit(actor: Actor, command: string, args: Array<[string, string]>): void;
};

type Account = DemoAccount & {roles: string[]};

/** Usernames, passwords and the disabled flag: what authentication checks and dynsec changes. */
export class AccountBook {
	private readonly accounts = new Map<string, Account>();

	constructor(accounts: DemoAccount[]) {
		for (const account of accounts) {
			this.accounts.set(account.username, {...account, roles: [account.admin ? 'admin' : 'device']});
		}
	}

	/** The account these credentials log into, or undefined to refuse (unknown, wrong password, disabled). */
	authenticate(username: string | undefined, password: Buffer | undefined): DemoAccount | undefined {
		if (username === undefined) return undefined;
		const account = this.accounts.get(username);
		if (!account || account.disabled || password === undefined) return undefined;
		return password.toString('utf8') === account.password ? account : undefined;
	}

	isAdmin(username: string | undefined): boolean {
		return username !== undefined && this.accounts.get(username)?.admin === true;
	}

	get(username: string): Account | undefined {
		return this.accounts.get(username);
	}

	all(): Account[] {
		return [...this.accounts.values()];
	}
}

function describe(account: Account): Record<string, unknown> {
	// Mosquitto only writes `disabled` when it is true.
	return {
		username: account.username,
		roles: account.roles.map((rolename) => ({rolename})),
		groups: [],
		...(account.disabled ? {disabled: true} : {}),
	};
}

export class DynsecEmulation {
	constructor(
		private readonly book: AccountBook,
		private readonly hooks: DynsecHooks,
	) {}

	/** One control message → the response payload, or undefined when the message is not a command list. */
	handle(payload: Buffer | string, actor: Actor): string | undefined {
		let body: {commands?: unknown};
		try {
			body = JSON.parse(payload.toString()) as typeof body;
		} catch {
			return undefined;
		}

		if (!Array.isArray(body.commands)) return undefined;
		const responses = (body.commands as DynsecCommand[]).map((c) => this.run(c ?? {}, actor));
		return JSON.stringify({responses});
	}

	private run(c: DynsecCommand, actor: Actor): DynsecResult {
		const command = typeof c.command === 'string' ? c.command : '';
		const result: DynsecResult = {command};
		if (c.correlationData !== undefined) result.correlationData = c.correlationData;
		const fail = (error: string) => ({...result, error});

		if (command === 'listClients') {
			const verbose = c.verbose === true;
			const count = typeof c.count === 'number' ? c.count : -1;
			const offset = typeof c.offset === 'number' ? c.offset : 0;
			const all = this.book.all();
			const page = all.slice(offset, count < 0 ? undefined : offset + count);
			this.hooks.audit(actor, command, [
				['verbose', String(verbose)],
				['count', String(count)],
				['offset', String(offset)],
			]);
			return {
				...result,
				data: {totalCount: all.length, clients: verbose ? page.map(describe) : page.map((a) => a.username)},
			};
		}

		if (!['getClient', 'disableClient', 'enableClient', 'modifyClient'].includes(command)) return fail('Unknown command');
		if (typeof c.username !== 'string' || c.username === '') return fail('Invalid/missing username');
		const account = this.book.get(c.username);
		if (!account) return fail('Client not found');
		const args: Array<[string, string]> = [['username', account.username]];

		switch (command) {
			case 'getClient': {
				this.hooks.audit(actor, command, args);
				return {...result, data: {client: describe(account)}};
			}

			case 'disableClient': {
				account.disabled = true;
				this.hooks.kick(account.username);
				break;
			}

			case 'enableClient': {
				account.disabled = false;
				break;
			}

			default: {
				// modifyClient: with no other field it changes nothing and still disconnects every
				// session of the account, which is how mqtt-top kicks by username.
				if (typeof c.password === 'string') {
					account.password = c.password;
					args.push(['password', '*****']);
				}

				this.hooks.kick(account.username);
			}
		}

		this.hooks.audit(actor, command, args);
		return result;
	}
}
