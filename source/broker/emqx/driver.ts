// EMQX 5 as a polled broker: its REST API lists clients page by page; actions are REST calls.
import type {Config} from '../../config.js';
import type {SessionStore} from '../../model/session-store.js';
import type {BrokerDriver, BrokerNode, SessionSink} from '../driver.js';
import {HttpClient} from '../http/client.js';
import {apiBase, restNode, startPolling} from '../http/node.js';
import {EmqxAdmin} from './admin.js';
import {EmqxListing, type ListingOptions} from './listing.js';

export type EmqxOpenOptions = ListingOptions & {
	/** The store's SessionSink half (tests pass a recording one). */
	sink?: SessionSink;
	timeoutMs?: number;
	/** Overrides `config.refresh` (at least 1 s) between rounds: tests poll faster. */
	intervalMs?: number;
};

export async function openEmqx(config: Config, store: SessionStore, options: EmqxOpenOptions = {}): Promise<BrokerNode> {
	const base = apiBase(config, '/api/v5', 'http://broker:18083/api/v5');
	// An API key and its secret, sent as HTTP basic authentication (EMQX's "API key" auth).
	const http = new HttpClient({
		baseUrl: base,
		username: config.username,
		password: config.password,
		timeoutMs: options.timeoutMs ?? 10_000,
	});
	const listing = new EmqxListing(http, options.sink ?? store, store, options);
	const poller = await startPolling(config, () => listing.round(), options.intervalMs);

	const admin = new EmqxAdmin({http, store, listing, relist: () => poller.refreshNow(), readOnly: config.readOnly});
	return restNode({name: config.node, type: 'emqx', url: http.url, admin, poller});
}

export const emqxDriver: BrokerDriver = {
	type: 'emqx',
	open: (config, store) => openEmqx(config, store),
};
