import {describe, expect, it} from 'vitest';
import {newSession} from '../../../source/model/session-record.js';
import {sortSessions, type SortOrder} from '../../../source/model/sort.js';
import type {Session} from '../../../source/model/types.js';
import {PlacedRows} from '../../../source/ui/model/placed-rows.js';

const order: SortOrder = {column: 'connectedAt', descending: true};

function sessions(n: number): Session[] {
	return Array.from({length: n}, (_, i) => {
		const session = newSession('local', `c${String(i).padStart(4, '0')}`, 1000 + i);
		session.connectedAt = 1000 + (i % 50);
		return session;
	});
}

/** Makes reading the sort key of `session` fail: proof that an update did not look at it. */
function untouchable(session: Session): void {
	Object.defineProperty(session, 'connectedAt', {
		get() {
			throw new Error(`read ${session.clientId}, which did not change`);
		},
	});
}

describe('placed rows', () => {
	it('re-places the changed sessions without reading the others, and leaves earlier rows as they were', () => {
		const all = sessions(500);
		const placed = new PlacedRows(order, sortSessions([...all], order));
		const before = placed.rows;
		const copy = [...before];
		const moved = all[10];
		const gone = all[20];
		const fresh = newSession('local', 'new-one', 5000);
		fresh.connectedAt = 1025;
		moved.connectedAt = 2000;
		const expected = sortSessions([...all.filter((s) => s !== gone), fresh], order);
		for (const session of all) if (session !== moved && session !== gone) untouchable(session);
		const shown = new Set<Session>([moved, fresh]);
		const rows = placed.update([moved, gone, fresh, moved], (s) => shown.has(s));
		expect(rows).toHaveLength(500);
		expect(rows!.every((row, i) => row === expected[i])).toBe(true);
		expect(rows![0]).toBe(moved);
		expect(before.every((row, i) => row === copy[i])).toBe(true);
	});

	it('gives the same order as sorting everything, over random changes', () => {
		let x = 42;
		const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
		const all = sessions(300);
		const shown = new Set(all.filter(() => next() < 0.6));
		const placed = new PlacedRows(order, sortSessions([...shown], order));
		for (let round = 0; round < 50; round++) {
			const changed: Session[] = [];
			for (let i = 0; i < 1 + Math.floor(next() * 20); i++) {
				const session = all[Math.floor(next() * all.length)];
				session.connectedAt = 1000 + Math.floor(next() * 60);
				if (next() < 0.3) {
					if (shown.has(session)) shown.delete(session);
					else shown.add(session);
				}

				changed.push(session);
			}

			const rows = placed.update(changed, (s) => shown.has(s));
			expect(rows, `round ${round}`).toEqual(sortSessions([...shown], order));
		}
	});

	it('answers undefined when a session is not where its placed key says (the caller rebuilds)', () => {
		const all = sessions(200);
		const placed = new PlacedRows(order, sortSessions([...all], order));
		// Its identity (the last tie-break) changed behind the view's back: it is not found where it was placed.
		const stranger = all[105];
		stranger.clientId = '0';
		expect(placed.update([stranger], () => true)).toBeUndefined();
	});
});
