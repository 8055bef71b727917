import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {
	mqttProtocol,
	offlineSnapshots,
	parseSubscriptionQueue,
	routingKeyToFilter,
	SubscriptionIndex,
	toMqttConnection,
	type ApiBinding,
	type ApiConnection,
	type ApiQueue,
} from '../../../source/broker/rabbitmq/mapper.js';

const fixtures = path.join(import.meta.dirname, '../../fixtures/rabbitmq-3.10.8');
const read = <T>(name: string) => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as T;

function capturedIndex(): SubscriptionIndex {
	const index = new SubscriptionIndex();
	for (const queue of read<{items: ApiQueue[]}>('subscription-queues-page.json').items) index.addQueue(queue);
	for (const binding of read<ApiBinding[]>('amq-topic-bindings.json')) index.addBinding(binding);
	return index;
}

describe('RabbitMQ protocol names', () => {
	it('maps the MQTT plugin protocol strings to MQTT versions', () => {
		expect(mqttProtocol('MQTT 3.1.1')).toBe('3.1.1');
		expect(mqttProtocol('MQTT 3.1')).toBe('3.1');
		expect(mqttProtocol('MQTT 5-0')).toBeUndefined();
		expect(mqttProtocol('MQTT 5.0')).toBe('5.0');
		expect(mqttProtocol('AMQP 0-9-1')).toBeUndefined();
		expect(mqttProtocol(undefined)).toBeUndefined();
		expect(mqttProtocol(311)).toBeUndefined();
	});
});

describe('routing keys back to MQTT topic filters', () => {
	it('turns separators and wildcards back', () => {
		expect(routingKeyToFilter('home.*.temp')).toBe('home/+/temp');
		expect(routingKeyToFilter('a.#')).toBe('a/#');
		expect(routingKeyToFilter('#')).toBe('#');
		expect(routingKeyToFilter('*')).toBe('+');
		// An asterisk inside a level is a literal, not a wildcard.
		expect(routingKeyToFilter('a*.b')).toBe('a*/b');
		// A level may be empty (`/leading` and `a//b` are valid topics).
		expect(routingKeyToFilter('.leading')).toBe('/leading');
		expect(routingKeyToFilter('a..b')).toBe('a//b');
		// Whatever a client put in its filter comes back as it was (the view cleans it for the terminal).
		expect(routingKeyToFilter('dev ice\u001b[2J.*.\u0000x')).toBe('dev ice\u001b[2J/+/\u0000x');
	});
});

describe('subscription queue names', () => {
	it('takes the client ID from between the prefix and the QoS suffix', () => {
		expect(parseSubscriptionQueue('mqtt-subscription-sensor-2qos0')).toEqual({clientId: 'sensor-2', qos: 0});
		expect(parseSubscriptionQueue('mqtt-subscription-gw 01\u0007xqos1')).toEqual({clientId: 'gw 01\u0007x', qos: 1});
	});

	it('keeps hostile IDs whole: spaces, control characters, and qos text of their own', () => {
		expect(parseSubscriptionQueue('mqtt-subscription-\u001b[2Jqos1qos0')).toEqual({clientId: '\u001b[2Jqos1', qos: 0});
		expect(parseSubscriptionQueue('mqtt-subscription- qos1')).toEqual({clientId: ' ', qos: 1});
		expect(parseSubscriptionQueue('mqtt-subscription-qos1')).toEqual({clientId: '', qos: 1});
	});

	it('ignores queues that are not the MQTT plugin’s', () => {
		expect(parseSubscriptionQueue('orders')).toBeUndefined();
		expect(parseSubscriptionQueue('mqtt-subscription-x')).toBeUndefined();
		expect(parseSubscriptionQueue('amq.gen-mqtt-subscription-xqos0')).toBeUndefined();
	});
});

describe('connections to session snapshots (captured from 3.10.8)', () => {
	it('lists each MQTT client with its user, address, protocol, connect time, filters and session kind', () => {
		const index = capturedIndex();
		const items = read<{items: ApiConnection[]}>('connections-page.json').items;
		const connections = items.map((item) => toMqttConnection(item, index));
		const gw = connections.find((c) => c?.clientId === 'gw 01\u0007x')!;
		expect(gw.name).toMatch(/^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/);
		expect(gw.vhost).toBe('/');
		expect(gw.snapshot).toMatchObject({
			clientId: 'gw 01\u0007x',
			username: 'alice',
			address: '127.0.0.1',
			protocol: '3.1.1',
			online: true,
			cleanSession: false,
			queued: 0,
		});
		expect(gw.snapshot.port).toBe(items.find((i) => i.user === 'alice')!.peer_port);
		expect(gw.snapshot.connectedAt).toBe(items.find((i) => i.user === 'alice')!.connected_at);
		expect(new Map(gw.snapshot.subscriptions)).toEqual(
			new Map([
				['home/+/temp', 1],
				['a/#', 0],
				// Subscribed as `x.y/z`: the routing key cannot say which dot was a separator.
				['x/y/z', 0],
			]),
		);
		const sensor = connections.find((c) => c?.clientId === 'sensor-2')!;
		expect(sensor.snapshot.username).toBe('guest');
		expect(new Map(sensor.snapshot.subscriptions)).toEqual(new Map([['a/#', 0]]));
		// Only QoS 0 subscriptions: the queues cannot tell a clean session from a persistent one.
		expect(sensor.snapshot.cleanSession).toBeUndefined();
	});

	it('leaves out AMQP and other protocols, and malformed items', () => {
		const mqtt = read<{items: ApiConnection[]}>('connections-page.json').items[0];
		expect(toMqttConnection({...mqtt, protocol: 'AMQP 0-9-1'})).toBeUndefined();
		expect(toMqttConnection({...mqtt, client_properties: {}})).toBeUndefined();
		expect(toMqttConnection({...mqtt, client_properties: null})).toBeUndefined();
		expect(toMqttConnection({...mqtt, name: 7})).toBeUndefined();
		const odd = toMqttConnection({...mqtt, peer_port: 'x', connected_at: null, user: 5})!;
		expect(odd.snapshot.port).toBeUndefined();
		expect(odd.snapshot.connectedAt).toBeUndefined();
		expect(odd.snapshot.username).toBeUndefined();
	});

	it('without subscription data, says nothing about subscriptions (not "none")', () => {
		const item = read<{items: ApiConnection[]}>('connections-page.json').items[0];
		expect(toMqttConnection(item)!.snapshot.subscriptions).toBeUndefined();
	});

	it('counts queued messages over a client’s queues, and a clean QoS 1 queue marks a clean session', () => {
		const index = new SubscriptionIndex();
		index.addQueue({name: 'mqtt-subscription-c1qos0', vhost: '/', messages: 3, durable: false, auto_delete: true});
		index.addQueue({name: 'mqtt-subscription-c1qos1', vhost: '/', messages: 4, durable: false, auto_delete: true});
		index.addQueue({name: 'mqtt-subscription-c1qos1', vhost: 'other', messages: 100, durable: true, auto_delete: false});
		index.addBinding({
			source: 'amq.topic',
			vhost: '/',
			destination: 'mqtt-subscription-c1qos1',
			destination_type: 'queue',
			routing_key: 'x.*',
		});
		// Bound to an exchange but not a queue of the plugin's: ignored.
		index.addBinding({source: 'amq.topic', vhost: '/', destination: 'orders', destination_type: 'queue', routing_key: 'y'});
		const snapshot = toMqttConnection(
			{name: 'n', protocol: 'MQTT 3.1.1', vhost: '/', client_properties: {client_id: 'c1'}},
			index,
		)!.snapshot;
		expect(snapshot.queued).toBe(7);
		expect(snapshot.cleanSession).toBe(true);
		expect([...snapshot.subscriptions!]).toEqual([['x/+', 1]]);
	});
});

describe('queued messages', () => {
	it('unknown, never 0, when no queue of the client was listed with a count', () => {
		const index = new SubscriptionIndex();
		// A queue whose statistics RabbitMQ has not collected yet has no `messages`.
		index.addQueue({name: 'mqtt-subscription-newqos1', vhost: '/', durable: true, auto_delete: false});
		const fresh = toMqttConnection({name: 'n1', protocol: 'MQTT 3.1.1', vhost: '/', client_properties: {client_id: 'new'}}, index)!;
		expect(fresh.snapshot.queued).toBeUndefined();
		const bare = toMqttConnection({name: 'n2', protocol: 'MQTT 3.1.1', vhost: '/', client_properties: {client_id: 'no-subs'}}, index)!;
		expect(bare.snapshot.queued).toBeUndefined();
		// Without the queue listing at all, nothing is known either.
		expect(
			toMqttConnection({name: 'n3', protocol: 'MQTT 3.1.1', vhost: '/', client_properties: {client_id: 'new'}})!.snapshot.queued,
		).toBeUndefined();
	});
});

describe('offline persistent sessions', () => {
	it('lists durable subscription queues without a connection as offline sessions', () => {
		const index = capturedIndex();
		const offline = offlineSnapshots(index, new Set(['sensor-2']));
		expect(offline).toHaveLength(1);
		expect(offline[0]).toMatchObject({clientId: 'gw 01\u0007x', online: false, cleanSession: false, queued: 0});
		expect(offlineSnapshots(index, new Set(['gw 01\u0007x', 'sensor-2']))).toEqual([]);
	});
});
