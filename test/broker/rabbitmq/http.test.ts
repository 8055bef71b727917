import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {describe, expect, it} from 'vitest';
import {ExitCode} from '../../../source/errors.js';
import {ManagementClient, ManagementError} from '../../../source/broker/rabbitmq/http.js';
import {fakeApi} from '../../support/fake-rabbit-api.js';

async function failure(promise: Promise<unknown>): Promise<ManagementError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(ManagementError);
	return error as ManagementError;
}

describe('management API client', () => {
	it('sends basic auth and parses JSON', async () => {
		const api = fakeApi({'GET /api/overview': () => ({status: 200, body: {rabbitmq_version: '3.10.8'}})});
		const answer = await api.client.get<{rabbitmq_version: string}>('/api/overview');
		expect(answer.body?.rabbitmq_version).toBe('3.10.8');
		expect(api.requests[0].headers.get('authorization')).toBe(`Basic ${Buffer.from('monitor:secret').toString('base64')}`);
	});

	it('maps refused credentials, missing rights and an unreachable API to one line and the documented exit codes', async () => {
		const api = fakeApi({
			'GET /api/a': () => ({status: 401, body: {error: 'not_authorised', reason: 'Login failed'}}),
			'GET /api/b': () => ({status: 403, body: {error: 'not_authorised'}}),
			'GET /api/c': () => ({status: 500, body: {error: 'x', reason: 'boom\u001b[2J\nsecond line'}}),
		});
		const credentials = await failure(api.client.get('/api/a'));
		expect(credentials.kind).toBe('credentials');
		expect(credentials.exitCode).toBe(ExitCode.credentials);
		expect(credentials.message).toContain("user 'monitor'");
		expect(credentials.message).not.toContain('secret');
		const forbidden = await failure(api.client.get('/api/b'));
		expect(forbidden.exitCode).toBe(ExitCode.notAuthorised);
		expect(forbidden.message).toMatch(/monitoring tag/);
		const broken = await failure(api.client.get('/api/c'));
		expect(broken.message).toContain('HTTP 500');
		// The broker's reason is shown, but it cannot move the cursor or break the line.
		expect(broken.message).not.toContain('\u001b');
		expect(broken.message).not.toContain('\n');
		api.down = true;
		const unreachable = await failure(api.client.get('/api/a'));
		expect(unreachable.kind).toBe('unreachable');
		expect(unreachable.exitCode).toBe(ExitCode.unreachable);
		expect(unreachable.message).toContain('ECONNREFUSED');
		expect(unreachable.toUserError().exitCode).toBe(ExitCode.unreachable);
	});

	it('gives up on a request after its deadline and says it went unanswered', async () => {
		// A server that accepts the request and never answers (a frozen broker).
		const server = http.createServer(() => {});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const {port} = server.address() as AddressInfo;
			const client = new ManagementClient({baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200});
			const started = Date.now();
			const error = await failure(client.get('/api/overview'));
			expect(error.kind).toBe('timeout');
			expect(error.exitCode).toBe(ExitCode.unreachable);
			expect(error.message).toMatch(/did not answer GET .*\/api\/overview within 0.2 s/);
			expect(Date.now() - started).toBeLessThan(5000);
		} finally {
			server.closeAllConnections();
			server.close();
		}
	});

	it('stops at once when its caller cancels', async () => {
		const server = http.createServer(() => {});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const {port} = server.address() as AddressInfo;
			const client = new ManagementClient({baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 10_000});
			const controller = new AbortController();
			const pending = failure(client.get('/api/overview', {signal: controller.signal}));
			setTimeout(() => controller.abort(), 50);
			expect((await pending).kind).toBe('aborted');
		} finally {
			server.closeAllConnections();
			server.close();
		}
	});

	it('answers a status the caller accepts instead of throwing', async () => {
		const api = fakeApi();
		const answer = await api.client.get('/api/users/nobody', {accept: [404]});
		expect(answer.status).toBe(404);
	});

	it('really reaches a socket: a closed port is unreachable', async () => {
		const client = new ManagementClient({baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000});
		const error = await failure(client.get('/api/overview'));
		expect(error.kind).toBe('unreachable');
	});
});
