// The fake EMQX itself: that it enforces what EMQX v5.8.9 enforces, so the driver tests mean
// something. Each expectation names its source, as test/fakes/emqx.ts does.
import {afterEach, expect, test} from 'vitest';
import {FakeEmqx} from '../../fakes/emqx.js';

let fake: FakeEmqx;
afterEach(async () => fake?.stop());

async function get(path: string, auth = `${fake.apiKey}:${fake.apiSecret}`) {
	const response = await fetch(`${fake.url}${path}`, {headers: {authorization: `Basic ${Buffer.from(auth).toString('base64')}`}});
	return {status: response.status, headers: response.headers, body: response.status === 204 ? undefined : await response.json()};
}

test('filters of GET /clients (CLIENT_QSCHEMA): node, like_clientid, like_username, conn_state, repeated username', async () => {
	fake = await new FakeEmqx().start();
	fake.add({clientid: 'kitchen-1', username: 'alice', node: 'emqx@a'});
	fake.add({clientid: 'kitchen-2', username: 'bob', node: 'emqx@b'});
	fake.add({clientid: 'garage', username: 'alicia', node: 'emqx@a', connected: false});
	const ids = async (query: string) => ((await get(`/clients?${query}`)).body as {data: {clientid: string}[]}).data.map((c) => c.clientid);
	expect(await ids('node=emqx@a')).toEqual(['kitchen-1', 'garage']);
	expect(await ids('like_clientid=kitch')).toEqual(['kitchen-1', 'kitchen-2']);
	expect(await ids('like_username=ali')).toEqual(['kitchen-1', 'garage']);
	expect(await ids('conn_state=disconnected')).toEqual(['garage']);
	expect(await ids('username=alice&username=bob')).toEqual(['kitchen-1', 'kitchen-2']);
});

test('paging (emqx_dashboard_swagger): meta {page, limit, count, hasnext}; limit above 10,000 is a 400', async () => {
	fake = await new FakeEmqx().start();
	for (let i = 0; i < 3; i++) fake.add({clientid: `c${i}`});
	expect((await get('/clients?page=2&limit=2')).body).toMatchObject({
		data: [{clientid: 'c2'}],
		meta: {page: 2, limit: 2, count: 3, hasnext: false},
	});
	expect((await get('/clients?limit=10001')).status).toBe(400);
	expect((await get('/clients')).body).toMatchObject({meta: {page: 1, limit: 100}});
});

test('errors: 401 with WWW-Authenticate and {code, message}; 404 CLIENTID_NOT_FOUND', async () => {
	fake = await new FakeEmqx().start();
	const refused = await get('/clients', 'k:wrong');
	expect(refused.status).toBe(401);
	expect(refused.headers.get('www-authenticate')).toBe('Basic Realm="emqx-dashboard"');
	expect(refused.body).toEqual({code: 'BAD_API_KEY_OR_SECRET', message: 'Check api_key/api_secret'});
	expect(await get('/clients/nobody/subscriptions')).toMatchObject({
		status: 404,
		body: {code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found'},
	});
});
