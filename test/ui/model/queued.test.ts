import {describe, expect, it} from 'vitest';
import type {Capabilities} from '../../../source/broker/driver.js';
import {emqxCapabilities} from '../../../source/broker/emqx/admin.js';
import {vernemqCapabilities} from '../../../source/broker/vernemq/admin.js';
import {WaitingNode} from '../../../source/broker/waiting-node.js';
import {queuedHelp, queuedView} from '../../../source/ui/model/queued.js';
import {storeWith} from '../support/fixtures.js';
import {mosquittoAdmin} from '../../support/legacy-plan.js';

const mosquitto = (): Capabilities => mosquittoAdmin(storeWith([{id: 'gw-01'}]), {dynsec: true}).capabilities();

describe('which nodes count queued messages', () => {
	it('EMQX and VerneMQ do, even read-only, and say what they add up; Mosquitto does not, and says why', () => {
		for (const readOnly of [false, true]) {
			expect(emqxCapabilities(readOnly).get('queued')).toEqual({ok: true, what: expect.stringContaining('mqueue_len')});
			expect(emqxCapabilities(readOnly).get('queued')).toEqual({ok: true, what: expect.stringContaining('inflight_cnt')});
			expect(vernemqCapabilities(readOnly).get('queued')).toEqual({
				ok: true,
				what: expect.stringContaining('offline_messages plus online_messages'),
			});
		}

		expect(mosquitto().get('queued')).toEqual({
			ok: false,
			why: expect.stringMatching(/^Mosquitto does not expose per-session queue depth: \$SYS\/broker\/store\/messages\/count is one total/),
		});
	});

	it('a Mosquitto-only monitor has no Queued column, and the help says why', () => {
		const view = queuedView([{name: 'edge', capabilities: mosquitto()}]);
		expect(view.column).toBe(false);
		expect(queuedHelp(view, false)).toEqual([`No Queued column: ${String((mosquitto().get('queued') as {why: string}).why)}.`]);
	});

	it('a mixed fleet has the column; the help names what each node counts and which nodes stay blank', () => {
		const view = queuedView([
			{name: 'edge', capabilities: mosquitto()},
			{name: 'cloud', capabilities: emqxCapabilities(false)},
		]);
		expect(view.column).toBe(true);
		expect(view.counts.get('cloud')).toContain('mqueue_len');
		expect(view.counts.has('edge')).toBe(false);
		const help = queuedHelp(view, true);
		expect(help.some((line) => line.startsWith('cloud counts mqueue_len'))).toBe(true);
		expect(help.some((line) => line.startsWith('Blank for edge: Mosquitto does not expose per-session queue depth'))).toBe(true);
	});

	it('a fleet node that is down offers no queues until it is up', () => {
		const waiting = new WaitingNode({
			name: 'rabbit',
			type: 'rabbitmq',
			url: 'http://r',
			error: 'connection refused',
			open: () => new Promise(() => {}),
		});
		try {
			const view = queuedView([{name: 'rabbit', capabilities: waiting.admin.capabilities()}]);
			expect(view.column).toBe(false);
			expect(view.absent.get('rabbit')).toContain('node rabbit is down');
		} finally {
			void waiting.close();
		}
	});
});
