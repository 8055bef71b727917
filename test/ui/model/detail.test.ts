import {describe, expect, it} from 'vitest';
import {SessionStore} from '../../../source/model/session-store.js';
import {detailLines} from '../../../source/ui/model/detail.js';
import type {Line} from '../../../source/ui/model/line.js';

const text = (lines: Line[]) => lines.map((line) => line.map((part) => part.text).join('')).join('\n');

describe('the Queued field of the detail', () => {
	const store = new SessionStore({node: 'rabbit'});
	store.reconcile(
		[
			{clientId: 'deep', online: false, cleanSession: false, queued: 12_345},
			{clientId: 'unknown', online: true},
		],
		true,
		1,
	);
	const detail = (id: string, queuedCounts?: string) =>
		text(detailLines({session: store.get(id)!, gone: false, store, now: 2, queuedCounts}, 200));

	it('gives the whole count and what it counts, on a node that counts queues', () => {
		expect(detail('deep', 'messages in its queues')).toMatch(/^Queued +12345 · messages in its queues$/m);
		expect(detail('unknown', 'messages in its queues')).toMatch(
			/^Queued +- \(the broker listed no queue for it\) · messages in its queues$/m,
		);
	});

	it('is absent on a node that does not count queues', () => {
		expect(detail('deep')).not.toContain('Queued');
	});
});
