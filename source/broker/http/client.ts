// The one HTTP client the REST drivers share: Node's global fetch with a deadline on every
// request, basic authentication, and failures turned into one line an operator can act on.
import {ExitCode, type ExitCodeValue} from '../../errors.js';
import {cleanText} from '../../util/sanitize.js';
import {decodeCredential} from '../../util/url-secrets.js';

/**
 * Why a request did not get a usable answer. `unreachable`: no HTTP answer at all (refused,
 * unknown host, TLS); `timeout`: the deadline passed; `credentials`: 401; `forbidden`: 403;
 * `status`: any other non-2xx answer; `malformed`: a 2xx answer that is not the JSON expected.
 */
export type ApiErrorKind = 'unreachable' | 'timeout' | 'credentials' | 'forbidden' | 'status' | 'malformed';

export class ApiError extends Error {
	constructor(
		message: string,
		readonly kind: ApiErrorKind,
		readonly status?: number,
		/** The broker's own error code, where its body carries one (EMQX's `code`). */
		readonly code?: string,
	) {
		super(message);
		this.name = 'ApiError';
	}

	/** The documented exit code for a command that stops on this error. */
	get exitCode(): ExitCodeValue {
		if (this.kind === 'credentials') return ExitCode.credentials;
		if (this.kind === 'forbidden') return ExitCode.notAuthorised;
		return ExitCode.unreachable;
	}
}

export type HttpOptions = {
	/** The API's base URL, e.g. `http://broker:18083/api/v5`. */
	baseUrl: string;
	/** Basic authentication: username (an API key) and password (its secret, or empty). */
	username?: string;
	password?: string;
	/** Milliseconds before a request is abandoned. */
	timeoutMs: number;
	/** What to check when the broker refuses the key (401), in the broker's own terms. */
	credentialsHint?: string;
};

export type Query = Record<string, string | number | boolean | undefined>;

export type HttpAnswer = {status: number; body: unknown};

/** `--flag` style keys with the value `true` become bare keys (`&--cleanup`), as VerneMQ reads them. */
export function queryString(query: Query): string {
	const parts: string[] = [];
	for (const [key, value] of Object.entries(query)) {
		if (value === undefined || value === false) continue;
		parts.push(value === true ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
	}

	return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The base URL without credentials, for messages and the header. */
export function displayUrl(baseUrl: string): string {
	try {
		const url = new URL(baseUrl);
		url.username = '';
		url.password = '';
		return url.toString().replace(/\/$/, '');
	} catch {
		return baseUrl;
	}
}

function causeText(error: unknown): string {
	const cause = (error as {cause?: {code?: string; message?: string}}).cause;
	return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

export class HttpClient {
	readonly url: string;
	private readonly authorization: string | undefined;
	private readonly base: string;

	constructor(private readonly options: HttpOptions) {
		// fetch refuses URLs with credentials in them: `http://key:secret@host` becomes basic auth,
		// and the URL kept (and shown) has none.
		let username = options.username;
		let password = options.password;
		try {
			const url = new URL(options.baseUrl);
			if (username === undefined && url.username !== '') {
				username = decodeCredential(url.username) ?? url.username;
				password = decodeCredential(url.password) ?? url.password;
			}
		} catch {
			// Not a URL: fetch will say so, in the first request's error.
		}

		this.base = displayUrl(options.baseUrl).replace(/\/+$/, '');
		this.url = this.base;
		this.authorization = username === undefined ? undefined : `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
	}

	/**
	 * Sends one request and answers the status and parsed body of any HTTP answer (callers judge
	 * 404s and the like); throws ApiError only when there is no answer, or it is 401/403/5xx.
	 */
	async request(method: 'GET' | 'POST' | 'DELETE', path: string, options: {query?: Query; body?: unknown} = {}): Promise<HttpAnswer> {
		const target = `${this.base}${path}${options.query ? queryString(options.query) : ''}`;
		const headers: Record<string, string> = {accept: 'application/json'};
		if (this.authorization) headers.authorization = this.authorization;
		if (options.body !== undefined) headers['content-type'] = 'application/json';
		let response: Response;
		let text: string;
		try {
			response = await fetch(target, {
				method,
				headers,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
				signal: AbortSignal.timeout(this.options.timeoutMs),
				redirect: 'error',
			});
			text = await response.text();
		} catch (error) {
			const name = (error as Error).name;
			if (name === 'TimeoutError' || name === 'AbortError') {
				throw new ApiError(`${this.url} did not answer within ${this.options.timeoutMs / 1000} s`, 'timeout');
			}

			throw new ApiError(`cannot reach ${this.url}: ${cleanText(causeText(error))}`, 'unreachable');
		}

		let body: unknown = undefined;
		if (text !== '') {
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
		}

		const code = errorCode(body);
		if (response.status === 401) {
			throw new ApiError(
				`${this.url} refused the API key${code ? ` (${code})` : ''}: ${this.options.credentialsHint ?? 'check -u KEY and -P SECRET'}`,
				'credentials',
				401,
				code,
			);
		}

		if (response.status === 403) {
			throw new ApiError(
				`${this.url} does not let this API key ${method} ${path.split('/')[1] ?? path}${code ? ` (${code})` : ''}: give the key a role that may`,
				'forbidden',
				403,
				code,
			);
		}

		if (response.status >= 500) {
			throw new ApiError(`${this.url} answered ${response.status}${describeBody(body)}`, 'status', response.status, code);
		}

		return {status: response.status, body};
	}
}

/** EMQX error bodies are `{code, message}`. */
export function errorCode(body: unknown): string | undefined {
	const code = (body as {code?: unknown} | undefined)?.code;
	return typeof body === 'object' && body !== null && typeof code === 'string' ? cleanText(code) : undefined;
}

/** `: CODE message`, one line, cleaned, for an error answer's body. */
export function describeBody(body: unknown): string {
	if (body === undefined || body === '') return '';
	if (typeof body === 'string') return `: ${cleanText(body.slice(0, 200))}`;
	const {code, message} = body as {code?: unknown; message?: unknown};
	const parts = [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined].filter(Boolean);
	return parts.length === 0 ? '' : `: ${cleanText(parts.join(' ').slice(0, 200))}`;
}
