// The management API's HTTP client: basic auth, a deadline on every request, and failures turned
// into one line the operator can act on (with the exit code the CLI documents).
import {ExitCode, UserError, type ExitCodeValue} from '../../errors.js';
import {cleanText} from '../../util/sanitize.js';

/**
 * `timeout`: the request went out and nothing came back in time, so the broker may still have
 * done it (an action's outcome is then unknown, never failed).
 */
export type ManagementErrorKind = 'unreachable' | 'timeout' | 'credentials' | 'forbidden' | 'not-found' | 'http' | 'bad-answer' | 'aborted';

export class ManagementError extends Error {
	constructor(
		message: string,
		readonly kind: ManagementErrorKind,
		readonly status?: number,
	) {
		super(message);
		this.name = 'ManagementError';
	}

	/** The exit code a command ends with when this stops it. */
	get exitCode(): ExitCodeValue {
		switch (this.kind) {
			case 'unreachable':
			case 'timeout':
				return ExitCode.unreachable;
			case 'credentials':
				return ExitCode.credentials;
			case 'forbidden':
				return ExitCode.notAuthorised;
			default:
				return ExitCode.internal;
		}
	}

	toUserError(): UserError {
		return new UserError(this.message, this.exitCode);
	}
}

export type ManagementClientOptions = {
	/** e.g. http://127.0.0.1:15672 (a path prefix behind a proxy is kept). */
	baseUrl: string;
	username?: string;
	password?: string;
	/** Per request, milliseconds. */
	timeoutMs?: number;
	/** For tests: a stand-in for the global fetch. */
	fetch?: typeof fetch;
};

export type Answer<T> = {status: number; body: T | undefined};

export type RequestOptions = {
	body?: unknown;
	headers?: Record<string, string>;
	signal?: AbortSignal;
	/** Statuses that are answers, not errors (e.g. 404 when asking whether something exists). */
	accept?: readonly number[];
};

/** One URL path segment: vhost `/` is `%2F`, a connection name's spaces and `>` are escaped. */
export function segment(value: string): string {
	return encodeURIComponent(value);
}

export class ManagementClient {
	readonly baseUrl: string;
	/** The account the API is used as (for messages). */
	readonly username: string | undefined;
	private readonly authorization: string | undefined;
	private readonly timeoutMs: number;
	private readonly fetch: typeof fetch;

	constructor(options: ManagementClientOptions) {
		this.baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.username = options.username;
		this.authorization =
			options.username === undefined
				? undefined
				: `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
		this.timeoutMs = options.timeoutMs ?? 10_000;
		this.fetch = options.fetch ?? globalThis.fetch;
	}

	async get<T>(path: string, options: RequestOptions = {}): Promise<Answer<T>> {
		return this.request<T>('GET', path, options);
	}

	async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
		const deadline = AbortSignal.timeout(this.timeoutMs);
		const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
		const headers: Record<string, string> = {accept: 'application/json', ...options.headers};
		if (this.authorization) headers.authorization = this.authorization;
		if (options.body !== undefined) headers['content-type'] = 'application/json';
		const where = `${method} ${this.baseUrl}${path.split('?')[0]}`;
		let response: Response;
		let text: string;
		try {
			response = await this.fetch(this.baseUrl + path, {
				method,
				headers,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
				signal,
			});
			text = await response.text();
		} catch (error) {
			if (options.signal?.aborted) throw new ManagementError(`${where}: cancelled`, 'aborted');
			if (deadline.aborted) {
				throw new ManagementError(`RabbitMQ management API did not answer ${where} within ${this.timeoutMs / 1000} s`, 'timeout');
			}

			throw new ManagementError(
				`cannot reach the RabbitMQ management API at ${this.baseUrl}: ${reasonOf(error)} (is rabbitmq_management enabled on that port?)`,
				'unreachable',
			);
		}

		if (response.ok || options.accept?.includes(response.status)) {
			return {status: response.status, body: parse<T>(text, where, response.status)};
		}

		throw this.failure(response.status, where, text);
	}

	private failure(status: number, where: string, text: string): ManagementError {
		const who = this.username === undefined ? 'no user (give -u and -P)' : `user '${cleanText(this.username)}'`;
		if (status === 401) {
			return new ManagementError(
				`RabbitMQ management API at ${this.baseUrl} refused the credentials of ${who}: check -u/-P`,
				'credentials',
				status,
			);
		}

		if (status === 403) {
			return new ManagementError(
				`RabbitMQ does not let ${who} ${where}: give it the monitoring tag to watch, administrator to kick or block`,
				'forbidden',
				status,
			);
		}

		const reason = brokerReason(text);
		if (status === 404) return new ManagementError(`${where}: not found${reason}`, 'not-found', status);
		return new ManagementError(`${where}: HTTP ${status}${reason}`, 'http', status);
	}
}

function parse<T>(text: string, where: string, status: number): T | undefined {
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new ManagementError(`${where}: HTTP ${status} with an answer that is not JSON`, 'bad-answer', status);
	}
}

/** The broker's own `reason`, cleaned and kept to one short line. */
function brokerReason(text: string): string {
	try {
		const body = JSON.parse(text) as {reason?: unknown};
		if (typeof body.reason === 'string' && body.reason) return ` (${cleanText(body.reason).slice(0, 200)})`;
	} catch {
		// not JSON: say nothing more
	}

	return '';
}

function reasonOf(error: unknown): string {
	// fetch wraps the socket error: ECONNREFUSED and friends are on its cause.
	const cause = (error as {cause?: {code?: string; message?: string}}).cause;
	return cleanText(cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
}
