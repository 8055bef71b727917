import {describe, expect, it} from 'vitest';
import {emqxCapabilities} from '../../../source/broker/emqx/admin.js';
import {helpLines} from '../../../source/ui/model/help.js';
import type {Line} from '../../../source/ui/model/line.js';
import {queuedView} from '../../../source/ui/model/queued.js';
import {storeWith} from '../support/fixtures.js';
import {mosquittoAdmin} from '../../support/legacy-plan.js';

const squash = (lines: Line[]) =>
	lines
		.map((line) => line.map((part) => part.text).join(''))
		.join(' ')
		.replace(/\s+/g, ' ');

describe('the help on queued messages', () => {
	const mosquitto = mosquittoAdmin(storeWith([{id: 'gw-01'}]), {dynsec: true}).capabilities();

	it('on Mosquitto: why there is no Queued column', () => {
		const help = squash(helpLines(false, 80, undefined, {}, queuedView([{name: 'edge', capabilities: mosquitto}])));
		expect(help).toContain('Queued messages No Queued column: Mosquitto does not expose per-session queue depth:');
	});

	it('in a mixed fleet: what each node counts, which stays blank, and how to sort and filter', () => {
		const view = queuedView([
			{name: 'edge', capabilities: mosquitto},
			{name: 'cloud', capabilities: emqxCapabilities(false)},
		]);
		const help = squash(helpLines(false, 80, undefined, {}, view));
		expect(help).toContain('filter with queued:>N');
		expect(help).toContain('cloud counts mqueue_len');
		expect(help).toContain('Blank for edge: Mosquitto does not expose');
		expect(help).toContain('queued:>N, queued:<N, queued:N compare the Queued count');
	});
});
