import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {ApiError, displayUrl, HttpClient, queryString} from '../../../source/broker/http/client.js';
import {ExitCode} from '../../../source/errors.js';

let server: Server | undefined;

afterEach(async () => {
	await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
	server = undefined;
});

/** A server that answers every request with `status` and `body`, recording the authorization header. */
async function answering(status: number, body: string): Promise<{url: string; auth: (string | undefined)[]}> {
	const auth: (string | undefined)[] = [];
	server = createServer((req, res) => {
		auth.push(req.headers.authorization);
		res.writeHead(status, {'content-type': 'application/json'}).end(body);
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, auth};
}

async function failure(client: HttpClient): Promise<ApiError> {
	const error = await client.request('GET', '/x').catch((e: unknown) => e);
	expect(error).toBeInstanceOf(ApiError);
	return error as ApiError;
}

describe('HttpClient', () => {
	test('query strings: values encoded, `true` as a bare key (VerneMQ flags), undefined and false left out', () => {
		expect(queryString({'client-id': 'a b&c=d', '--cleanup': true, '--mountpoint': undefined, x: false, '--limit': 5})).toBe(
			'?client-id=a%20b%26c%3Dd&--cleanup&--limit=5',
		);
		expect(queryString({})).toBe('');
	});

	test('display URLs never carry credentials', () => {
		expect(displayUrl('http://key:secret@host:18083/api/v5/')).toBe('http://host:18083/api/v5');
	});

	test('basic auth from the options, or from credentials in the URL', async () => {
		const api = await answering(200, '{}');
		await new HttpClient({baseUrl: api.url, username: 'k', password: 's', timeoutMs: 1000}).request('GET', '/x');
		await new HttpClient({baseUrl: api.url.replace('http://', 'http://k2:s%402@'), timeoutMs: 1000}).request('GET', '/x');
		expect(api.auth).toEqual([`Basic ${Buffer.from('k:s').toString('base64')}`, `Basic ${Buffer.from('k2:s@2').toString('base64')}`]);
	});

	test('401 is a credentials error (exit 4) naming the broker code; 403 exit 5; 5xx exit 3; all one line, cleaned', async () => {
		let api = await answering(401, '{"code":"BAD_API_KEY_OR_SECRET","message":"Check api_key/api_secret"}');
		let error = await failure(new HttpClient({baseUrl: api.url, timeoutMs: 1000}));
		expect([error.kind, error.exitCode, error.code]).toEqual(['credentials', ExitCode.credentials, 'BAD_API_KEY_OR_SECRET']);
		await new Promise((resolve) => server!.close(resolve));

		api = await answering(403, '{"code":"UNAUTHORIZED_ROLE"}');
		error = await failure(new HttpClient({baseUrl: api.url, timeoutMs: 1000}));
		expect(error.exitCode).toBe(ExitCode.notAuthorised);
		await new Promise((resolve) => server!.close(resolve));

		api = await answering(503, '{"code":"SERVICE_UNAVAILABLE","message":"bad\\u001b[2J\\nnews"}');
		error = await failure(new HttpClient({baseUrl: api.url, timeoutMs: 1000}));
		expect(error.exitCode).toBe(ExitCode.unreachable);
		expect(error.message).toBe(`${api.url} answered 503: SERVICE_UNAVAILABLE bad\\x1b[2J\\x0anews`);
	});

	test('other statuses are answers for the caller to judge, with the body parsed', async () => {
		const api = await answering(404, '{"code":"CLIENTID_NOT_FOUND"}');
		const answer = await new HttpClient({baseUrl: api.url, timeoutMs: 1000}).request('DELETE', '/clients/x');
		expect(answer).toEqual({status: 404, body: {code: 'CLIENTID_NOT_FOUND'}});
	});
});
