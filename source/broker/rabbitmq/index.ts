// The RabbitMQ driver: sessions polled from the management API (MQTT plugin connections, their
// subscription queues and bindings), actions through the same API.
import os from 'node:os';
import type {Config} from '../../config.js';
import {ExitCode, UserError} from '../../errors.js';
import type {SessionStore} from '../../model/session-store.js';
import type {BrokerDriver, BrokerNode, OpenNodeOptions} from '../driver.js';
import {RabbitAdmin} from './admin.js';
import {ManagementClient, ManagementError} from './http.js';
import {Poller} from './poller.js';
import {blocksPath, RestoreFileError} from './restore-file.js';
import {decodeCredential, withoutCredentials} from '../../util/url-secrets.js';
import {cleanText} from '../../util/sanitize.js';

export type RabbitOpenOptions = OpenNodeOptions & {
	/** Items per management API request. */
	pageSize?: number;
	/** Where block keeps what unblock restores (default: see blocksPath). */
	restoreFile?: string;
	/** Per-request deadline, milliseconds. */
	timeoutMs?: number;
	operator?: string;
	/** How often permissions and the restore file are read again, milliseconds. */
	rereadMs?: number;
};

function operatorName(): string {
	let user = 'unknown';
	try {
		user = os.userInfo().username;
	} catch {
		// no passwd entry for this uid (a container): the host still says where it came from
	}

	return `${user}@${os.hostname()}`;
}

/** Opens a RabbitMQ node: reads its sessions once (so `list` has them), then polls every `config.refresh` seconds. */
export async function openRabbitMQ(config: Config, store: SessionStore, options: RabbitOpenOptions = {}): Promise<BrokerNode> {
	if (!config.apiUrl) {
		throw new UserError('RabbitMQ is watched through its management API: give its URL (e.g. http://127.0.0.1:15672)', ExitCode.usage);
	}

	let url: URL;
	try {
		url = new URL(config.apiUrl);
	} catch {
		throw new UserError(`'${withoutCredentials(config.apiUrl)}' is not a management API URL (e.g. http://127.0.0.1:15672)`, ExitCode.usage);
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new UserError(`the management API URL must be http:// or https://, not ${url.protocol}`, ExitCode.usage);
	}

	// Credentials in the URL are used when -u/-P are not given, and never shown.
	const decoded = (text: string) => {
		const value = decodeCredential(text);
		if (value === undefined)
			throw new UserError(
				'the username or password in the management API URL is not valid percent-encoding (write % as %25)',
				ExitCode.usage,
			);
		return value;
	};
	const username = config.username ?? (url.username ? decoded(url.username) : undefined);
	const password = config.password ?? (url.password ? decoded(url.password) : undefined);
	url.username = '';
	url.password = '';
	const client = new ManagementClient({
		baseUrl: url.toString(),
		username,
		password,
		timeoutMs: options.timeoutMs,
	});
	const poller = new Poller({
		client,
		sink: store,
		setConnected: (count) => store.setBrokerCounter('connected', count),
		intervalMs: config.refresh * 1000,
		pageSize: options.pageSize,
	});
	const admin = new RabbitAdmin({
		client,
		store,
		node: config.node,
		connections: () => poller.connections,
		repoll: () => poller.poll(),
		restoreFile: options.restoreFile ?? blocksPath(config.node),
		operator: options.operator ?? operatorName(),
		readOnly: config.readOnly,
	});

	try {
		const overview = await client.get<{rabbitmq_version?: unknown}>('/api/overview');
		const version = overview.body?.rabbitmq_version;
		if (typeof version === 'string') store.setBrokerCounter('version', `RabbitMQ ${version}`);
		const me = await admin.probe();
		// Without either tag the API answers with the account's own connections only: a table that
		// looks complete and is not.
		if (!me.tags.includes('administrator') && !me.tags.includes('monitoring')) {
			throw new UserError(
				`management user '${cleanText(me.name)}' has neither the monitoring nor the administrator tag: RabbitMQ would show it only its own connections (rabbitmqctl set_user_tags ${cleanText(me.name)} monitoring)`,
				ExitCode.notAuthorised,
			);
		}
	} catch (error) {
		if (error instanceof RestoreFileError) throw new UserError(error.message, ExitCode.usage);
		throw error instanceof ManagementError ? error.toUserError() : error;
	}

	await poller.poll();
	if (poller.lastError) throw poller.lastError.toUserError();
	poller.start();
	// Plans name the vhosts a block removes from what was read last, and another mqtt-top may
	// have blocked or unblocked someone: both are read again now and then. A failure shows in the
	// poll's link state, not here.
	const rereader = setInterval(() => void admin.refresh().catch(() => {}), options.rereadMs ?? 30_000);
	rereader.unref();

	return {
		name: config.node,
		type: 'rabbitmq',
		url: url.toString().replace(/\/$/, ''),
		admin,
		connection: () => poller.connection(),
		onConnectionChange: (listener) => poller.onConnectionChange(listener),
		async close() {
			clearInterval(rereader);
			await poller.close();
		},
	};
}

export const rabbitmqDriver: BrokerDriver = {
	type: 'rabbitmq',
	async open(config, store, options) {
		return openRabbitMQ(config, store, options);
	},
};
