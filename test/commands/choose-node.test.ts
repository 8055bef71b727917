import {describe, expect, it} from 'vitest';
import {chooseNode} from '../../source/commands/choose-node.js';
import {fakeAdapter} from '../ui/support/fake-adapter.js';
import {storeWith} from '../ui/support/fixtures.js';

const a = fakeAdapter(
	storeWith(
		[
			{id: 'gw-01', user: 'alice'},
			{id: 'only-a', user: 'bob'},
		],
		undefined,
		'a',
	),
);
const b = fakeAdapter(storeWith([{id: 'gw-01', user: 'alice'}], undefined, 'b'));

describe('chooseNode', () => {
	it('acts on the only broker, or the one named by --node', () => {
		expect(chooseNode([a], undefined, {clientId: 'anything'})).toBe(a);
		expect(chooseNode([a, b], 'b', {clientId: 'gw-01'})).toBe(b);
		expect(() => chooseNode([a, b], 'c', {clientId: 'gw-01'})).toThrow("--node: no broker named 'c' (known: a, b)");
	});

	it('with several brokers, the only one that knows the client or username; otherwise asks for --node', () => {
		expect(chooseNode([a, b], undefined, {clientId: 'only-a'})).toBe(a);
		expect(chooseNode([a, b], undefined, {username: 'bob'})).toBe(a);
		expect(() => chooseNode([a, b], undefined, {clientId: 'gw-01'})).toThrow(
			'client gw-01 is known on a, b: pass --node NAME to say which',
		);
		expect(() => chooseNode([a, b], undefined, {username: 'carol'})).toThrow(
			'username carol is not known on any of the brokers: pass --node NAME to act on one anyway',
		);
	});
});

describe('chooseNode with a broker down', () => {
	it('a broker that is not connected may know the client: --node is needed rather than a guess', () => {
		const down = fakeAdapter(storeWith([], undefined, 'c'));
		down.setConnection({state: 'reconnecting', lostAt: 0});
		expect(() => chooseNode([a, down], undefined, {clientId: 'only-a'})).toThrow(
			'client only-a is known on a, c (not connected, so it may): pass --node NAME to say which',
		);
	});
});
