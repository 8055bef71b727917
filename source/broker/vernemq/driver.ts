// VerneMQ as a polled broker: `session show` through its HTTP API lists every session in one
// call; `session disconnect` kicks one client ID.
import type {Config} from '../../config.js';
import type {SessionStore} from '../../model/session-store.js';
import type {BrokerDriver, BrokerNode, SessionSink} from '../driver.js';
import {HttpClient} from '../http/client.js';
import {apiBase, restNode, startPolling} from '../http/node.js';
import {VernemqAdmin} from './admin.js';
import {VernemqListing, type ListingOptions} from './listing.js';

export type VernemqOpenOptions = ListingOptions & {
	/** The store's SessionSink half (tests pass a recording one). */
	sink?: SessionSink;
	timeoutMs?: number;
	/** Overrides `config.refresh` (at least 1 s) between rounds: tests poll faster. */
	intervalMs?: number;
};

export async function openVernemq(config: Config, store: SessionStore, options: VernemqOpenOptions = {}): Promise<BrokerNode> {
	const base = apiBase(config, '/api/v1', 'http://broker:8888/api/v1');
	// The API key is the basic-auth username with an empty password (vmq_auth_apikey); -P is not needed.
	const http = new HttpClient({
		baseUrl: base,
		username: config.username,
		password: config.password ?? '',
		timeoutMs: options.timeoutMs ?? 10_000,
		credentialsHint: 'check -u API_KEY (vmq-admin api-key show; scope mgmt)',
	});
	const listing = new VernemqListing(http, options.sink ?? store, store, options);
	const poller = await startPolling(config, () => listing.round(), options.intervalMs);

	const admin = new VernemqAdmin({http, store, listing, relist: () => poller.refreshNow(), readOnly: config.readOnly});
	return restNode({name: config.node, type: 'vernemq', url: http.url, admin, poller});
}

export const vernemqDriver: BrokerDriver = {
	type: 'vernemq',
	open: (config, store) => openVernemq(config, store),
};
