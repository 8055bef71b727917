import {describe, expect, it} from 'vitest';
import {AuditUnwritable, type AuditRecord, type AuditSink} from '../../../source/audit-log.js';
import {prepareAction} from '../../../source/ui/model/action-request.js';
import {performRequest} from '../../../source/ui/model/perform-action.js';
import {actionNodes, fakeAdapter} from '../support/fake-adapter.js';
import {storeWith} from '../support/fixtures.js';

function memoryAudit(records: AuditRecord[], failOn?: (record: AuditRecord) => boolean): AuditSink {
	return {
		ready: async () => {},
		async append(record) {
			if (failOn?.(record)) throw new AuditUnwritable('cannot write the audit log /x (no space left on the device)');
			records.push(record);
		},
	};
}

const line = (r: AuditRecord) => `${r.action} ${r.target} ${r.outcome}${r.detail ? `: ${r.detail}` : ''} ${r.broker}`;

describe('performRequest', () => {
	it('records each attempt before sending, then its outcome under the same id', async () => {
		const store = storeWith([
			{id: 'a1', user: 'alice'},
			{id: 'b1', user: 'bob'},
		]);
		const adapter = fakeAdapter(store);
		const prepared = prepareAction('block', [store.get('a1')!, store.get('b1')!], actionNodes(adapter));
		if (!prepared.ok) throw new Error(prepared.message);
		const records: AuditRecord[] = [];
		const sink = memoryAudit(records);
		const append = sink.append;
		let callsAtAttempt: number[] = [];
		sink.append = async (record) => {
			if (record.outcome === 'attempted') callsAtAttempt = [...callsAtAttempt, adapter.calls.length];
			await append(record);
		};

		const result = await performRequest(prepared.request, actionNodes(adapter, 'demo'), sink);
		expect(result).toEqual({ok: true, message: 'blocked username alice · blocked username bob'});
		expect(records.map(line)).toEqual([
			'block alice attempted demo',
			'block alice done: blocked username alice demo',
			'block bob attempted demo',
			'block bob done: blocked username bob demo',
		]);
		// Each attempt was on record before its command went out.
		expect(callsAtAttempt).toEqual([0, 1]);
		expect(records[0].id).toBe(records[1].id);
		expect(records[2].id).not.toBe(records[0].id);
	});

	it('records an action that threw as unknown, never as failed: the command may have gone out', async () => {
		const store = storeWith([{id: 'a1', user: 'alice'}]);
		const adapter = fakeAdapter(store);
		adapter.commands.kickByUsername = async () => {
			throw new Error('no response within 2000 ms');
		};

		const prepared = prepareAction('kick', [store.get('a1')!], actionNodes(adapter));
		if (!prepared.ok) throw new Error(prepared.message);
		const records: AuditRecord[] = [];
		const result = await performRequest(prepared.request, actionNodes(adapter, 'b'), memoryAudit(records));
		expect(result).toEqual({ok: false, message: 'kick: no response within 2000 ms (recorded as unknown)'});
		expect(records.map((r) => r.outcome)).toEqual(['attempted', 'unknown (no answer)']);
	});

	it('does nothing when the audit log is not writable', async () => {
		const store = storeWith([{id: 'a1', user: 'alice'}]);
		const adapter = fakeAdapter(store);
		const prepared = prepareAction('block', [store.get('a1')!], actionNodes(adapter));
		if (!prepared.ok) throw new Error(prepared.message);
		const result = await performRequest(prepared.request, actionNodes(adapter, 'b'), {
			ready: async () => {
				throw new Error('cannot write the audit log /x (EACCES)');
			},
			append: async () => {},
		});
		expect(result).toEqual({ok: false, message: 'nothing done: cannot write the audit log /x (EACCES)'});
		expect(adapter.calls).toEqual([]);
	});

	it('sends nothing more once an attempt cannot be recorded', async () => {
		const store = storeWith([
			{id: 'a1', user: 'alice'},
			{id: 'b1', user: 'bob'},
		]);
		const adapter = fakeAdapter(store);
		const prepared = prepareAction('block', [store.get('a1')!, store.get('b1')!], actionNodes(adapter));
		if (!prepared.ok) throw new Error(prepared.message);
		const records: AuditRecord[] = [];
		const result = await performRequest(
			prepared.request,
			actionNodes(adapter, 'b'),
			memoryAudit(records, (r) => r.target === 'bob'),
		);
		expect(adapter.calls).toEqual([{method: 'block', target: 'alice'}]);
		expect(result).toEqual({
			ok: false,
			message: 'blocked username alice · nothing more done: cannot write the audit log /x (no space left on the device)',
		});
	});
});
