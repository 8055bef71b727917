// VerneMQ's session commands over its HTTP API, which wraps `vmq-admin`: the command becomes the
// path, key=value arguments and --flags the query string (vernemq/vernemq@2.2.0
// apps/vmq_server/src/vmq_http_mgmt_api.erl), and the answer is `vmq-admin`'s output as JSON
// (apps/vmq_server/src/vmq_cli_json_writer.erl).
import {ApiError, describeBody, type HttpClient, type Query} from '../http/client.js';

/** One row of `session show` (apps/vmq_server/src/vmq_info.erl fields_config/0); only the columns asked for are present. */
export type VernemqRow = {
	client_id?: string;
	mountpoint?: string;
	node?: string;
	is_online?: boolean;
	/** null when the client gave no username (the JSON writer turns `undefined` into null). */
	user?: string | null;
	peer_host?: string;
	peer_port?: number;
	/** The MQTT protocol level: 3, 4 or 5; a bridge adds 128. */
	protocol?: number;
	clean_session?: boolean;
	offline_messages?: number;
	online_messages?: number;
	/** Epoch milliseconds. */
	session_started_at?: number;
	topic?: string;
	qos?: number;
};

/** Columns of a session listing. Subscriptions are a separate query: asking for `topic` turns each session into one row per subscription, and leaves out sessions with none. */
export const sessionColumns = [
	'client_id',
	'mountpoint',
	'node',
	'is_online',
	'user',
	'peer_host',
	'peer_port',
	'protocol',
	'clean_session',
	'offline_messages',
	'online_messages',
	'session_started_at',
] as const;

export const subscriptionColumns = ['client_id', 'mountpoint', 'node', 'topic', 'qos'] as const;

type Element = {type?: unknown; table?: unknown; text?: unknown; alert?: unknown};

/** The text of an alert element (a usage error `vmq-admin` answers with 200). */
function alertText(element: Element): string {
	const parts = Array.isArray(element.alert) ? (element.alert as Element[]).map((e) => (typeof e.text === 'string' ? e.text : '')) : [];
	return parts.join(' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** One element, or several as an array (the writer sends a lone element bare). */
function elements(body: unknown): Element[] {
	if (Array.isArray(body)) return body as Element[];
	return typeof body === 'object' && body !== null ? [body as Element] : [];
}

async function command(http: HttpClient, path: string, query: Query, what: string): Promise<Element[]> {
	const answer = await http.request('GET', path, {query});
	if (answer.status !== 200)
		throw new ApiError(`${http.url} refused ${what} (${answer.status}${describeBody(answer.body)})`, 'status', answer.status);
	const found = elements(answer.body);
	const alert = found.find((e) => e.type === 'alert');
	if (alert) throw new ApiError(`${http.url} refused ${what}: ${alertText(alert)}`, 'status', 200);
	return found;
}

/**
 * `vmq-admin session show --COLUMN… --limit=N --rowtimeout=MS`. The limit applies to each
 * cluster node; a row slower than rowtimeout to gather is left out.
 */
export async function showSessions(
	http: HttpClient,
	columns: readonly string[],
	limits: {limit: number; rowTimeoutMs: number},
): Promise<VernemqRow[]> {
	const query: Query = {};
	for (const column of columns) query[`--${column}`] = true;
	query['--limit'] = limits.limit;
	query['--rowtimeout'] = limits.rowTimeoutMs;
	const found = await command(http, '/session/show', query, 'session show');
	const table = found.find((e) => e.type === 'table');
	if (!table || !Array.isArray(table.table)) {
		throw new ApiError(`${http.url} answered session show with something that is not VerneMQ's documented table`, 'malformed');
	}

	return (table.table as VernemqRow[]).filter((row) => typeof row?.client_id === 'string');
}

/**
 * `vmq-admin session disconnect client-id=ID [--mountpoint=MP] [--cleanup]`. VerneMQ answers
 * "Done" whether or not such a session existed, so only the next listing confirms it.
 */
export async function disconnectSession(
	http: HttpClient,
	clientId: string,
	options: {mountpoint?: string; cleanup: boolean},
): Promise<void> {
	const query: Query = {'client-id': clientId};
	if (options.mountpoint) query['--mountpoint'] = options.mountpoint;
	if (options.cleanup) query['--cleanup'] = true;
	await command(http, '/session/disconnect', query, 'session disconnect');
}
