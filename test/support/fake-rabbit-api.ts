// A stand-in for RabbitMQ's management API behind the driver's HTTP client: routes by method and
// path, records every request, and can fail on demand.
import {ManagementClient} from '../../source/broker/rabbitmq/http.js';

/** `segments`: the path's segments, each decoded (vhost `/` arrives as `%2F`, one segment). */
export type Handler = (request: {
	method: string;
	path: string;
	segments: string[];
	query: URLSearchParams;
	body: unknown;
	headers: Headers;
}) => {status: number; body?: unknown} | Promise<{status: number; body?: unknown}>;

export type FakeApi = {
	client: ManagementClient;
	requests: Array<{method: string; path: string; query: string; headers: Headers; body: unknown}>;
	/** `METHOD /decoded/path` → handler; the first whose key matches wins (exact, or a prefix ending in `*`). */
	routes: Map<string, Handler>;
	/** When set, every request fails as a refused socket would. */
	down: boolean;
};

export function fakeApi(routes: Record<string, Handler> = {}, options: {timeoutMs?: number} = {}): FakeApi {
	const api: FakeApi = {
		client: undefined as unknown as ManagementClient,
		requests: [],
		routes: new Map(Object.entries(routes)),
		down: false,
	};
	const fetchStub = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
		const url = new URL(String(input));
		const method = init?.method ?? 'GET';
		const segments = url.pathname
			.split('/')
			.slice(1)
			.map((s) => decodeURIComponent(s));
		const path = '/' + segments.join('/');
		const headers = new Headers(init?.headers);
		const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
		api.requests.push({method, path, query: url.search, headers, body});
		if (api.down) throw new TypeError('fetch failed', {cause: {code: 'ECONNREFUSED'}});
		const key = `${method} ${path}`;
		let handler = api.routes.get(key);
		if (!handler) {
			for (const [pattern, h] of api.routes) if (pattern.endsWith('*') && key.startsWith(pattern.slice(0, -1))) handler = h;
		}

		if (!handler) return new Response(JSON.stringify({error: 'Object Not Found', reason: 'Not Found'}), {status: 404});
		const answer = await handler({method, path, segments, query: url.searchParams, body, headers});
		return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {status: answer.status});
	};

	api.client = new ManagementClient({
		baseUrl: 'http://rabbit.test:15672',
		username: 'monitor',
		password: 'secret',
		timeoutMs: options.timeoutMs,
		fetch: fetchStub as typeof fetch,
	});
	return api;
}

/** Answers a paged listing out of `items`, as RabbitMQ does (`page`, `page_size`). */
export function paged(items: () => unknown[]): Handler {
	return ({query}) => {
		const all = items();
		const size = Number(query.get('page_size') ?? 100);
		const page = Number(query.get('page') ?? 1);
		const pageCount = Math.max(1, Math.ceil(all.length / size));
		return {
			status: 200,
			body: {
				total_count: all.length,
				filtered_count: all.length,
				item_count: Math.min(size, Math.max(0, all.length - (page - 1) * size)),
				page,
				page_size: size,
				page_count: pageCount,
				items: all.slice((page - 1) * size, page * size),
			},
		};
	};
}
