// What the REST drivers share around their listing: the node they return, the sink the store
// provides, the API base URL and the one-line error a failed first listing becomes.
import type {Config} from '../../config.js';
import {ExitCode, UserError} from '../../errors.js';
import type {ConnectionState} from '../adapter.js';
import type {BrokerAdmin, BrokerNode, BrokerType} from '../driver.js';
import {ApiError} from './client.js';
import {withoutCredentials} from '../../util/url-secrets.js';
import {Poller} from './poller.js';

/**
 * The management API's base URL: `--api-url` as given, with the API's version path added when
 * only the listener (`http://host:18083`) was given.
 */
export function apiBase(config: Pick<Config, 'apiUrl' | 'brokerType'>, versionPath: string, example: string): string {
	if (!config.apiUrl) throw new UserError(`--broker-type ${config.brokerType} needs --api-url (e.g. ${example})`, ExitCode.usage);
	let url: URL;
	try {
		url = new URL(config.apiUrl);
	} catch {
		throw new UserError(`--api-url: '${withoutCredentials(config.apiUrl)}' is not a URL (e.g. ${example})`, ExitCode.usage);
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new UserError(`--api-url: use http:// or https:// (e.g. ${example})`, ExitCode.usage);
	const path = url.pathname.replace(/\/+$/, '');
	url.pathname = path.endsWith(versionPath) ? path : `${path}${versionPath}`;
	return url.toString().replace(/\/$/, '');
}

/** A failed first listing, as the one line mqtt-top exits with. */
export function userErrorOf(error: unknown): unknown {
	return error instanceof ApiError ? new UserError(error.message, error.exitCode) : error;
}

/**
 * Polls `round` every `--refresh` seconds (at least 1; `intervalMs` overrides it for tests),
 * after a first round that must succeed: a broker that cannot be listed fails to open with its
 * exit code, as Mosquitto does.
 */
export async function startPolling(config: Pick<Config, 'refresh'>, round: () => Promise<void>, intervalMs?: number): Promise<Poller> {
	const poller = new Poller({intervalMs: intervalMs ?? Math.max(1, config.refresh) * 1000, round});
	try {
		await poller.start();
	} catch (error) {
		poller.close();
		throw userErrorOf(error);
	}

	return poller;
}

export function restNode(parts: {name: string; type: BrokerType; url: string; admin: BrokerAdmin; poller: Poller}): BrokerNode {
	const {poller} = parts;
	return {
		name: parts.name,
		type: parts.type,
		url: parts.url,
		admin: parts.admin,
		connection: (): ConnectionState => poller.connection(),
		onConnectionChange: (listener) => poller.onConnectionChange(listener),
		async close() {
			poller.close();
		},
	};
}
