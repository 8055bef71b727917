// One EMQX polling round: every page of GET /clients into the sink, the subscriptions of the
// clients whose subscriptions may have changed, then the bans.
import type {Account} from '../../model/types.js';
import type {SessionSink, SessionSnapshot} from '../driver.js';
import type {HttpClient} from '../http/client.js';
import {listBans, type EmqxBan} from './banned.js';
import {listClientsPage, listSubscriptions, maxPageLimit, type EmqxClient} from './clients.js';
import {bannedAccounts, clientSnapshot, keepsSession, subscriptionMap, timeOf} from './mapper.js';

/** What the admin half needs to know of a listed client beyond the store's row. */
export type ListedClient = {
	online: boolean;
	keepsSession?: boolean;
	connectedAt?: number;
	node?: string;
	username?: string;
	address?: string;
};

/** What the round writes besides the sink: the counters and accounts of the node's store. */
export type ListingTarget = {
	setBrokerCounter(name: 'connected' | 'total', value: number): void;
	setAccounts(accounts: Account[]): void;
};

export type ListingOptions = {
	/** Rows per page: fewer, larger requests, each well inside EMQX's 10,000. */
	pageLimit?: number;
	/** At most this many subscription requests per round; the rest wait for later rounds. */
	subscriptionBudget?: number;
	/** Subscription requests in flight at once. */
	subscriptionConcurrency?: number;
	now?: () => number;
};

/** A runaway `hasnext` (a broken proxy) must not page for ever: 10 million clients at 1,000 a page. */
const maxPages = 10_000;

export class EmqxListing {
	/** Every client of the last complete round. */
	listed = new Map<string, ListedClient>();
	/** Every ban of the last round that read them. */
	bans: EmqxBan[] = [];
	/** Why the last ban listing failed, if it did (sessions are still listed). */
	bansError: string | undefined;
	/**
	 * The subscriptions read for each client and the (connected_at, subscriptions_cnt) they were
	 * read at. A client's subscriptions are read again only when that pair changes: a reconnect
	 * or a different count. A subscription swapped for another between rounds (same count, same
	 * connection) is therefore not seen until the count or connection changes: the price of not
	 * asking EMQX once per client per round.
	 */
	private readonly subscriptionKeys = new Map<string, string>();
	private readonly pageLimit: number;
	private readonly budget: number;
	private readonly concurrency: number;
	private readonly now: () => number;
	private accountsKey = '';

	constructor(
		private readonly http: HttpClient,
		private readonly sink: SessionSink,
		private readonly target: ListingTarget,
		options: ListingOptions = {},
	) {
		this.pageLimit = Math.min(maxPageLimit, Math.max(1, options.pageLimit ?? 1000));
		this.budget = options.subscriptionBudget ?? 200;
		this.concurrency = options.subscriptionConcurrency ?? 8;
		this.now = options.now ?? Date.now;
	}

	/** One round; throws when the client listing could not be read to its end (nothing is completed then). */
	async round(): Promise<void> {
		const listed = new Map<string, ListedClient>();
		let budget = this.budget;
		let online = 0;
		for (let page = 1; page <= maxPages; page++) {
			const {data, hasnext} = await listClientsPage(this.http, page, this.pageLimit);
			const fresh: EmqxClient[] = [];
			const wanted: EmqxClient[] = [];
			for (const client of data) {
				// Paging a table that changes as it is read can list a row twice: the first one stands.
				if (listed.has(client.clientid)) continue;
				fresh.push(client);
				listed.set(client.clientid, {
					online: client.connected === true,
					keepsSession: keepsSession(client),
					connectedAt: timeOf(client.connected_at),
					node: client.node,
					username: typeof client.username === 'string' ? client.username : undefined,
					address: client.ip_address,
				});
				if (client.connected === true) online++;
				const key = `${client.connected_at}|${client.subscriptions_cnt}`;
				if (client.subscriptions_cnt === 0) this.subscriptionKeys.set(client.clientid, key);
				else if (typeof client.subscriptions_cnt === 'number' && this.subscriptionKeys.get(client.clientid) !== key && budget > 0) {
					budget--;
					wanted.push(client);
				}
			}

			const read = await this.readSubscriptions(wanted);
			const snapshots: SessionSnapshot[] = fresh.map((client) =>
				clientSnapshot(client, client.subscriptions_cnt === 0 ? new Map<string, number>() : read.get(client.clientid)),
			);

			const last = !hasnext || data.length === 0;
			this.sink.reconcile(snapshots, last, this.now());
			if (last) break;
			if (page === maxPages) throw new Error(`${this.http.url} kept answering hasnext after ${maxPages} pages`);
		}

		for (const id of this.subscriptionKeys.keys()) if (!listed.has(id)) this.subscriptionKeys.delete(id);
		this.listed = listed;
		this.target.setBrokerCounter('connected', online);
		this.target.setBrokerCounter('total', listed.size);
		await this.readBans();
	}

	/** Re-reads the bans alone (after a ban or unban). */
	async readBans(): Promise<void> {
		try {
			this.bans = await listBans(this.http);
			this.bansError = undefined;
		} catch (error) {
			// The sessions were listed: a ban listing that fails leaves the last known bans and says why.
			this.bansError = (error as Error).message;
			return;
		}

		const accounts = bannedAccounts(this.bans, this.now());
		const key = accounts.map((a) => a.username).join('\u0000');
		if (key === this.accountsKey) return;
		this.accountsKey = key;
		this.target.setAccounts(accounts);
	}

	private async readSubscriptions(clients: EmqxClient[]): Promise<Map<string, Map<string, number>>> {
		const out = new Map<string, Map<string, number>>();
		let next = 0;
		const worker = async () => {
			while (next < clients.length) {
				const client = clients[next++];
				let subscriptions;
				try {
					subscriptions = await listSubscriptions(this.http, client.clientid);
				} catch {
					// Left as they were for this round; the listing itself says whether EMQX is still there.
					continue;
				}

				// Gone since the page was read: the next round will not list it either.
				if (subscriptions === undefined) continue;
				out.set(client.clientid, subscriptionMap(subscriptions));
				this.subscriptionKeys.set(client.clientid, `${client.connected_at}|${client.subscriptions_cnt}`);
			}
		};

		await Promise.all(Array.from({length: Math.min(this.concurrency, clients.length)}, worker));
		return out;
	}
}
