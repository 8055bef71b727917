import {describe, expect, it} from 'vitest';
import type {Capabilities, Capability, CapabilityState} from '../../../source/broker/driver.js';
import {unavailableKeys} from '../../../source/ui/model/action-availability.js';
import {helpLines} from '../../../source/ui/model/help.js';
import {lineText} from '../../../source/ui/model/line.js';

const caps = (states: Partial<Record<Capability, CapabilityState>>): Capabilities =>
	new Map(Object.entries(states) as Array<[Capability, CapabilityState]>);

describe('unavailableKeys', () => {
	it('gives the reason for each key no node can serve, and nothing for keys that work or are still probed', () => {
		const vernemqLike = caps({
			'kick-client': {ok: true},
			'ban-user': {ok: false, why: 'its API has no bans'},
			unban: {ok: false, why: 'its API has no bans'},
		});
		expect(unavailableKeys([{name: 'v', capabilities: vernemqLike}])).toEqual({
			block: 'its API has no bans',
			unblock: 'its API has no bans',
		});
		const probing = caps({'kick-user': {ok: false, why: 'asking…', pending: true}, 'ban-user': {ok: false, why: 'asking…', pending: true}});
		expect(unavailableKeys([{name: 'm', capabilities: probing}])).toEqual({unblock: 'not supported by this broker'});
	});

	it('in a fleet a key works when any node serves it, and otherwise names each node’s reason', () => {
		const noBans = caps({'kick-client': {ok: true}, 'ban-user': {ok: false, why: 'no bans'}});
		const bans = caps({'kick-user': {ok: true}, 'ban-user': {ok: true}});
		expect(
			unavailableKeys([
				{name: 'a', capabilities: noBans},
				{name: 'b', capabilities: bans},
			]).block,
		).toBeUndefined();
		expect(
			unavailableKeys([
				{name: 'a', capabilities: noBans},
				{name: 'c', capabilities: noBans},
			]).block,
		).toBe('a: no bans; c: no bans');
	});

	it('the help keeps an unavailable key listed, with why', () => {
		const text = helpLines(false, 300, undefined, {block: 'its API has no bans'}).map(lineText).join('\n');
		expect(text).toMatch(/B +block: .*\(unavailable: its API has no bans\)/);
		expect(text).not.toMatch(/K +kick: .*unavailable/);
	});
});
