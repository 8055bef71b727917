// The fake VerneMQ itself: that it behaves as vernemq/vernemq@2.2.0 does, so the driver tests
// mean something. Each expectation names its source, as test/fakes/vernemq.ts does.
import {afterEach, expect, test} from 'vitest';
import {FakeVernemq} from '../../fakes/vernemq.js';

let fake: FakeVernemq;
afterEach(async () => fake?.stop());

async function get(command: string, key = fake.apiKey) {
	const response = await fetch(`${fake.url}/${command}`, {headers: {authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`}});
	const text = await response.text();
	return {status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text)};
}

test('session show with no column flag answers the default columns (vmq_info_cli), user null when absent', async () => {
	fake = await new FakeVernemq().start();
	fake.add({client_id: 'client1', peer_host: '127.0.0.1', peer_port: 50402});
	const {body} = await get('session/show');
	expect(body).toEqual({
		type: 'table',
		table: [{peer_port: 50402, peer_host: '127.0.0.1', user: null, mountpoint: '', client_id: 'client1', is_online: true}],
	});
});

test('--limit counts rows per node; --col=value filters; --topic gives one row per subscription', async () => {
	fake = await new FakeVernemq().start();
	fake.add({client_id: 'a', node: 'n1', subscriptions: {x: 0, y: 1}});
	fake.add({client_id: 'b', node: 'n1'});
	fake.add({client_id: 'c', node: 'n2'});
	expect((await get('session/show?--client_id&--limit=1')).body.table).toEqual([{client_id: 'a'}, {client_id: 'c'}]);
	expect((await get('session/show?--client_id&--node=n2')).body.table).toEqual([{client_id: 'c'}]);
	expect((await get('session/show?--client_id&--topic')).body.table).toEqual([
		{client_id: 'a', topic: 'x'},
		{client_id: 'a', topic: 'y'},
	]);
	expect((await get('session/show?--no_such_column')).status).toBe(400);
});

test('a wrong key is a bare 401 with the VerneMQ realm; disconnect without client-id is an alert; with one, "Done"', async () => {
	fake = await new FakeVernemq().start();
	const refused = await get('session/show', 'wrong');
	expect(refused.status).toBe(401);
	expect(refused.headers.get('www-authenticate')).toBe('Authorization realm="VerneMQ"');
	expect(refused.body).toBeUndefined();
	expect((await get('session/disconnect')).body).toMatchObject({type: 'alert'});
	expect((await get('session/disconnect?client-id=nobody')).body).toEqual({type: 'text', text: 'Done'});
});
