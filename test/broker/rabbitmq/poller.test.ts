import {describe, expect, it} from 'vitest';
import type {SessionSink, SessionSnapshot} from '../../../source/broker/driver.js';
import type {ApiConnection} from '../../../source/broker/rabbitmq/mapper.js';
import {Poller} from '../../../source/broker/rabbitmq/poller.js';
import {fakeApi, paged, type FakeApi} from '../../support/fake-rabbit-api.js';

/** A SessionSink that records what it is given. */
function recordingSink() {
	const calls: Array<{page: SessionSnapshot[]; complete: boolean; time: number}> = [];
	const sink: SessionSink = {
		apply() {
			throw new Error('a polling driver streams no events');
		},
		reconcile(page, complete, time) {
			calls.push({page: [...page], complete, time});
		},
	};
	return {sink, calls};
}

function mqttConnection(clientId: string, extra: Partial<ApiConnection> = {}): ApiConnection {
	return {
		name: `127.0.0.1:${1000 + clientId.length} -> 127.0.0.1:1883`,
		protocol: 'MQTT 3.1.1',
		user: 'alice',
		vhost: '/',
		peer_host: '127.0.0.1',
		peer_port: 1000,
		node: 'rabbit@host',
		connected_at: 1_700_000_000_000,
		client_properties: {client_id: clientId},
		...extra,
	};
}

function broker(connections: ApiConnection[]): FakeApi {
	return fakeApi({
		'GET /api/connections': paged(() => connections),
		'GET /api/queues': paged(() => []),
	});
}

describe('RabbitMQ poller', () => {
	it('reads every page, reconciles each, completes the round once, and counts MQTT connections only', async () => {
		const connections = [
			...Array.from({length: 5}, (_, i) => mqttConnection(`c${i}`)),
			mqttConnection('amqp-app', {protocol: 'AMQP 0-9-1'}),
		];
		const api = broker(connections);
		const {sink, calls} = recordingSink();
		let connected = -1;
		const poller = new Poller({
			client: api.client,
			sink,
			setConnected: (n) => (connected = n),
			intervalMs: 1000,
			pageSize: 2,
			now: () => 42,
		});
		await poller.poll();
		const pages = api.requests.filter((r) => r.path === '/api/connections').map((r) => new URLSearchParams(r.query).get('page'));
		expect(pages).toEqual(['1', '2', '3']);
		// Bounded requests: every one asked for the page size.
		expect(api.requests.every((r) => !r.path.startsWith('/api/connections') || new URLSearchParams(r.query).get('page_size') === '2')).toBe(
			true,
		);
		expect(calls.filter((c) => c.complete)).toHaveLength(1);
		expect(calls.at(-1)!.complete).toBe(true);
		expect(calls.slice(0, -1).every((c) => !c.complete)).toBe(true);
		expect(calls.flatMap((c) => c.page.map((s) => s.clientId))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
		expect(calls.every((c) => c.time === 42)).toBe(true);
		expect(connected).toBe(5);
		expect(poller.connection().state).toBe('connected');
		expect([...poller.connections.keys()]).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
	});

	it('never completes a failed round: the rows stay, the link turns reconnecting, and the next full round brings it back', async () => {
		const connections = [mqttConnection('a'), mqttConnection('b'), mqttConnection('c')];
		const api = broker(connections);
		const {sink, calls} = recordingSink();
		let now = 1000;
		const poller = new Poller({client: api.client, sink, setConnected: () => {}, intervalMs: 1000, pageSize: 2, now: () => now});
		await poller.poll();
		expect(poller.connection().state).toBe('connected');
		calls.length = 0;

		// The second page fails mid-round.
		let served = 0;
		api.routes.set('GET /api/connections', (request) => {
			if (++served === 2) return {status: 503, body: {error: 'unavailable', reason: 'node down'}};
			return paged(() => connections)(request);
		});
		now = 2000;
		await poller.poll();
		expect(calls.some((c) => c.complete)).toBe(false);
		const state = poller.connection();
		expect(state.state).toBe('reconnecting');
		expect(state.lostAt).toBe(2000);
		expect(state.attempts).toBe(0);
		expect(state.retryAt).toBeGreaterThan(2000);
		expect(state.detail).toMatch(/HTTP 503 \(node down\)/);

		// Unreachable: a second failure counts an attempt and keeps when the data was last vouched for.
		api.down = true;
		now = 3000;
		await poller.poll();
		expect(poller.connection()).toMatchObject({state: 'reconnecting', lostAt: 2000, attempts: 1});
		expect(poller.connection().detail).toMatch(/cannot reach/);
		expect(calls.some((c) => c.complete)).toBe(false);

		api.down = false;
		api.routes.set(
			'GET /api/connections',
			paged(() => connections),
		);
		await poller.poll();
		expect(poller.connection().state).toBe('connected');
		expect(calls.at(-1)!.complete).toBe(true);
	});

	it('defers ending sessions for one round when the listing moved while it was read', async () => {
		const connections = [mqttConnection('a'), mqttConnection('b'), mqttConnection('c')];
		const api = broker(connections);
		let round = 0;
		api.routes.set('GET /api/connections', (request) => {
			const page = Number(request.query.get('page'));
			// In the first two rounds a client connects between pages 1 and 2.
			if (page === 2 && round < 2) {
				round++;
				connections.unshift(mqttConnection(`late${round}`));
			}

			return paged(() => connections)(request);
		});
		const {sink, calls} = recordingSink();
		const poller = new Poller({client: api.client, sink, setConnected: () => {}, intervalMs: 1000, pageSize: 2});
		await poller.poll();
		expect(calls.at(-1)!.complete).toBe(false);
		// Not twice in a row, or a busy broker would never end a session.
		await poller.poll();
		expect(calls.at(-1)!.complete).toBe(true);
		// A session seen twice across moving pages is handed over once.
		const secondRound = calls.slice(calls.findIndex((c) => c.complete === false && c.page.length === 0) + 1);
		const ids = secondRound.flatMap((c) => c.page.map((s) => s.clientId));
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('joins subscriptions and queued messages from the subscription queues and their bindings', async () => {
		const api = fakeApi({
			'GET /api/connections': paged(() => [mqttConnection('gw 1', {vhost: 'site-a'})]),
			'GET /api/queues': paged(() => [
				{name: 'mqtt-subscription-gw 1qos1', vhost: 'site-a', messages: 9, durable: true, auto_delete: false},
				{name: 'mqtt-subscription-gone-awayqos1', vhost: 'site-a', messages: 2, durable: true, auto_delete: false},
			]),
			'GET /api/exchanges/site-a/amq.topic/bindings/source': () => ({
				status: 200,
				body: [
					{
						source: 'amq.topic',
						vhost: 'site-a',
						destination: 'mqtt-subscription-gw 1qos1',
						destination_type: 'queue',
						routing_key: 'home.*.temp',
					},
					{
						source: 'amq.topic',
						vhost: 'site-a',
						destination: 'mqtt-subscription-gone-awayqos1',
						destination_type: 'queue',
						routing_key: '#',
					},
				],
			}),
		});
		const {sink, calls} = recordingSink();
		const poller = new Poller({client: api.client, sink, setConnected: () => {}, intervalMs: 1000});
		await poller.poll();
		const all = calls.flatMap((c) => c.page);
		expect(all.find((s) => s.clientId === 'gw 1')).toMatchObject({online: true, queued: 9, cleanSession: false});
		expect([...all.find((s) => s.clientId === 'gw 1')!.subscriptions!]).toEqual([['home/+/temp', 1]]);
		// A persistent session whose client is away is listed offline, with what waits for it.
		expect(all.find((s) => s.clientId === 'gone-away')).toMatchObject({online: false, queued: 2, cleanSession: false});
	});

	it('polls on its own every interval once started, and stops when closed', async () => {
		const api = broker([mqttConnection('a')]);
		const {sink, calls} = recordingSink();
		const poller = new Poller({client: api.client, sink, setConnected: () => {}, intervalMs: 0});
		poller.start();
		// The interval is at least a second whatever is asked.
		await new Promise((r) => setTimeout(r, 1500));
		const rounds = calls.filter((c) => c.complete).length;
		expect(rounds).toBe(1);
		await poller.close();
		expect(poller.connection().state).toBe('closed');
		await new Promise((r) => setTimeout(r, 1200));
		expect(calls.filter((c) => c.complete).length).toBe(rounds);
	});
});
