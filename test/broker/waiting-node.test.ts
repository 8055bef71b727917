import {describe, expect, it} from 'vitest';
import type {ConnectionState} from '../../source/broker/adapter.js';
import type {BrokerNode} from '../../source/broker/driver.js';
import {WaitingNode} from '../../source/broker/waiting-node.js';

const fast = {baseMs: 20, maxMs: 40, takeoverMs: 1000, takeoverMaxMs: 1000, random: () => 0.5};

function fakeNode(): BrokerNode & {closed: boolean} {
	return {
		name: 'b',
		type: 'mosquitto',
		url: 'mqtt://b:1883',
		closed: false,
		admin: {
			capabilities: () => new Map([['kick-user', {ok: true}]]),
			plan: () => ({refused: 'from the real node'}),
			perform: async () => ({result: 'done', message: 'real', disconnected: []}),
			refresh: async () => {},
		},
		connection: () => ({state: 'connected'}),
		onConnectionChange: () => () => {},
		async close() {
			this.closed = true;
		},
	};
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 5));
	}
}

describe('WaitingNode', () => {
	it('is down with the reason, refuses every action with it, and keeps trying until the node opens', async () => {
		let attempts = 0;
		const real = fakeNode();
		const states: ConnectionState[] = [];
		const node = new WaitingNode({
			name: 'b',
			type: 'mosquitto',
			url: 'mqtt://b:1883',
			error: 'cannot connect to mqtt://b:1883: connection refused',
			backoff: fast,
			async open() {
				attempts++;
				if (attempts < 3) throw new Error(`refused again (${attempts})`);
				return real;
			},
		});
		node.onConnectionChange((state) => states.push(state));
		expect(node.connection()).toMatchObject({state: 'reconnecting', detail: 'cannot connect to mqtt://b:1883: connection refused'});
		expect(node.connection().retryAt).toBeGreaterThan(Date.now() - 1);
		expect(node.admin.capabilities().get('kick-user')).toEqual({
			ok: false,
			why: 'node b is down: cannot connect to mqtt://b:1883: connection refused',
		});
		expect(await node.admin.perform({} as never)).toMatchObject({result: 'failed'});

		await until(() => node.connection().state === 'connected');
		expect(attempts).toBe(3);
		expect(states.some((s) => s.detail === 'refused again (2)')).toBe(true);
		expect(node.admin.capabilities().get('kick-user')).toEqual({ok: true});
		expect(await node.admin.perform({} as never)).toMatchObject({message: 'real'});
		await node.close();
		expect(real.closed).toBe(true);
	});

	it('stops trying once closed, and closes a node that opened too late', async () => {
		let opened = 0;
		const late = fakeNode();
		let release: () => void = () => {};
		const node = new WaitingNode({
			name: 'b',
			type: 'mosquitto',
			url: 'mqtt://b:1883',
			error: 'down',
			backoff: fast,
			open: () =>
				new Promise<BrokerNode>((resolve) => {
					opened++;
					release = () => resolve(late);
				}),
		});
		await until(() => opened === 1);
		await node.close();
		release();
		await until(() => late.closed);
		expect(node.connection().state).toBe('closed');
		await new Promise((r) => setTimeout(r, 100));
		expect(opened).toBe(1);
	});
});
