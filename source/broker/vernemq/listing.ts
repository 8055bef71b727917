// One VerneMQ polling round: the sessions, then every subscription, each in a single
// `session show` with a row limit raised until no cluster node fills it.
import type {SessionSink} from '../driver.js';
import type {HttpClient} from '../http/client.js';
import {sessionSnapshots, truncated, type ListedSession} from './mapper.js';
import {sessionColumns, showSessions, subscriptionColumns, type VernemqRow} from './sessions.js';

export type ListingTarget = {setBrokerCounter(name: 'connected' | 'total', value: number): void};

export type ListingOptions = {
	/** The first `--limit` (rows per cluster node); raised as the fleet needs. */
	initialLimit?: number;
	/**
	 * `--rowtimeout`: VerneMQ leaves out a row it cannot gather in this time (a busy session), and a
	 * session left out looks gone. Ten times VerneMQ's 100 ms default.
	 */
	rowTimeoutMs?: number;
	now?: () => number;
};

/** Doublings of the limit within one round before giving up on it (10,000 → 40,960,000). */
const maxRaises = 6;

export class VernemqListing {
	/** Every session of the last complete round, by client ID. */
	listed = new Map<string, ListedSession>();
	private sessionLimit: number;
	private subscriptionLimit: number;
	private readonly rowTimeoutMs: number;
	private readonly now: () => number;

	constructor(
		private readonly http: HttpClient,
		private readonly sink: SessionSink,
		private readonly target: ListingTarget,
		options: ListingOptions = {},
	) {
		this.sessionLimit = options.initialLimit ?? 10_000;
		this.subscriptionLimit = options.initialLimit ?? 10_000;
		this.rowTimeoutMs = options.rowTimeoutMs ?? 1000;
		this.now = options.now ?? Date.now;
	}

	/** Every subscription comes in one more request per round: VerneMQ lists them all at once, never per client. */
	async round(): Promise<void> {
		const rows = await this.read(sessionColumns, 'sessionLimit');
		const subscriptionRows = await this.read(subscriptionColumns, 'subscriptionLimit');
		const {snapshots, listed} = sessionSnapshots(rows, subscriptionRows);
		this.sink.reconcile(snapshots, true, this.now());
		this.listed = listed;
		let online = 0;
		for (const session of listed.values()) if (session.online) online++;
		this.target.setBrokerCounter('connected', online);
		this.target.setBrokerCounter('total', listed.size);
	}

	private async read(columns: readonly string[], which: 'sessionLimit' | 'subscriptionLimit'): Promise<VernemqRow[]> {
		for (let raise = 0; raise <= maxRaises; raise++) {
			const limit = this[which];
			const rows = await showSessions(this.http, columns, {limit, rowTimeoutMs: this.rowTimeoutMs});
			// A node that filled the limit may have more: ask again with room to spare, now and next round.
			if (!truncated(rows, limit)) {
				if (truncated(rows, Math.ceil(limit / 2))) this[which] = limit * 2;
				return rows;
			}

			this[which] = limit * 4;
		}

		throw new Error(`${this.http.url} listed more than ${this[which]} rows on one node: mqtt-top stops raising the limit there`);
	}
}
