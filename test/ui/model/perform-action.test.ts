import {describe, expect, it} from 'vitest';
import {prepareAction} from '../../../source/ui/model/action-request.js';
import {performRequest, type AuditRecord} from '../../../source/ui/model/perform-action.js';
import {fakeAdapter} from '../support/fake-adapter.js';
import {storeWith} from '../support/fixtures.js';

describe('performRequest', () => {
	it('runs each plan, reports what the broker said, and records each outcome', async () => {
		const store = storeWith([
			{id: 'a1', user: 'alice'},
			{id: 'b1', user: 'bob'},
		]);
		const adapter = fakeAdapter(store);
		const prepared = prepareAction('block', [store.get('a1')!, store.get('b1')!], store, adapter.actions);
		if (!prepared.ok) throw new Error(prepared.message);
		const records: AuditRecord[] = [];
		const result = await performRequest(
			prepared.request,
			adapter,
			{ready: async () => {}, append: async (r) => void records.push(r)},
			'demo',
		);
		expect(result).toEqual({ok: true, message: 'blocked username alice · blocked username bob'});
		expect(records.map((r) => `${r.action} ${r.target} ${r.outcome} ${r.broker}`)).toEqual([
			'block alice ok: blocked username alice demo',
			'block bob ok: blocked username bob demo',
		]);
	});

	it('turns a thrown error into a failed outcome, still audited', async () => {
		const store = storeWith([{id: 'a1', user: 'alice'}]);
		const adapter = fakeAdapter(store);
		adapter.kickByUsername = async () => {
			throw new Error('no response within 2000 ms');
		};

		const prepared = prepareAction('kick', [store.get('a1')!], store, adapter.actions);
		if (!prepared.ok) throw new Error(prepared.message);
		const records: AuditRecord[] = [];
		const result = await performRequest(prepared.request, adapter, {ready: async () => {}, append: async (r) => void records.push(r)}, 'b');
		expect(result.ok).toBe(false);
		expect(result.message).toBe('kick a1 (username alice) failed: no response within 2000 ms');
		expect(records[0].outcome).toBe('failed: kick a1 (username alice) failed: no response within 2000 ms');
	});

	it('does nothing when the audit log is not writable', async () => {
		const store = storeWith([{id: 'a1', user: 'alice'}]);
		const adapter = fakeAdapter(store);
		const prepared = prepareAction('block', [store.get('a1')!], store, adapter.actions);
		if (!prepared.ok) throw new Error(prepared.message);
		const result = await performRequest(
			prepared.request,
			adapter,
			{
				ready: async () => {
					throw new Error('cannot write the audit log /x (EACCES)');
				},
				append: async () => {},
			},
			'b',
		);
		expect(result).toEqual({ok: false, message: 'nothing done: cannot write the audit log /x (EACCES)'});
		expect(adapter.calls).toEqual([]);
	});
});
