import {EventEmitter} from 'node:events';
import type {MqttClient} from 'mqtt';
import {describe, expect, test} from 'vitest';
import {DynsecClient, DynsecNoAnswer, DynsecNotSent} from '../../../source/broker/mosquitto/dynsec.js';

type Sent = {topic: string; qos: number; body: {commands: Array<Record<string, unknown>>}};

/** Just enough of an mqtt.js client: records what is published, never answers. */
function fakeClient(connected = true) {
	const sent: Sent[] = [];
	const client = Object.assign(new EventEmitter(), {
		connected,
		async publishAsync(topic: string, payload: string, options: {qos: number}) {
			sent.push({topic, qos: options.qos, body: JSON.parse(payload) as Sent['body']});
		},
	});
	return {client, sent, mqtt: client as unknown as MqttClient};
}

describe('DynsecClient', () => {
	test('commands that change the broker go at QoS 0, so a reconnect can never send them again; reads at QoS 1', async () => {
		const {mqtt, sent} = fakeClient();
		const dynsec = new DynsecClient(mqtt, 50);
		await expect(dynsec.command('modifyClient', {username: 'alice'})).rejects.toBeInstanceOf(DynsecNoAnswer);
		await expect(dynsec.listAccounts()).rejects.toBeInstanceOf(DynsecNoAnswer);
		expect(sent.map((s) => `${String(s.body.commands[0].command)} q${s.qos}`)).toEqual(['modifyClient q0', 'listClients q1']);
	});

	test('a command while the link is down is not sent (mqtt.js would queue it for the reconnect)', async () => {
		const {mqtt, sent} = fakeClient(false);
		await expect(new DynsecClient(mqtt).command('disableClient', {username: 'alice'})).rejects.toBeInstanceOf(DynsecNotSent);
		expect(sent).toEqual([]);
	});

	test('requests still waiting settle as "no answer" when the link closes or mqtt-top closes', async () => {
		const {client, mqtt} = fakeClient();
		const dynsec = new DynsecClient(mqtt, 60_000);
		const first = dynsec.command('disableClient', {username: 'alice'});
		await Promise.resolve();
		client.emit('close');
		await expect(first).rejects.toThrow(
			new DynsecNoAnswer('no answer to disableClient: the connection to the broker closed before it answered'),
		);

		const second = dynsec.command('enableClient', {username: 'alice'});
		await Promise.resolve();
		dynsec.close();
		await expect(second).rejects.toThrow(new DynsecNoAnswer('no answer to enableClient: mqtt-top closed before the broker answered'));
	});

	test('an answer is matched by its correlation data', async () => {
		const {mqtt, sent} = fakeClient();
		const dynsec = new DynsecClient(mqtt, 60_000);
		const answer = dynsec.command('modifyClient', {username: 'bob'});
		await new Promise((r) => setImmediate(r));
		const correlationData = sent[0].body.commands[0].correlationData;
		dynsec.handle(Buffer.from(JSON.stringify({responses: [{command: 'modifyClient', correlationData: 'other'}]})));
		dynsec.handle(Buffer.from(JSON.stringify({responses: [{command: 'modifyClient', correlationData}]})));
		await expect(answer).resolves.toMatchObject({command: 'modifyClient'});
	});
});
