import {describe, expect, it} from 'vitest';
import {newSession} from '../../../source/model/session-record.js';
import {sortSessions, type SortOrder} from '../../../source/model/sort.js';
import type {Session} from '../../../source/model/types.js';
import {Placement} from '../../../source/ui/model/placed-rows.js';
import type {Rows} from '../../../source/ui/model/rows.js';

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
		const placement = new Placement(order, sortSessions([...all], order));
		const before = placement.all.rows;
		const copy = [...before];
		const moved = all[10];
		const gone = all[20];
		const fresh = newSession('local', 'new-one', 5000);
		fresh.connectedAt = 1025;
		moved.connectedAt = 2000;
		const expected = sortSessions([...all.filter((s) => s !== gone), fresh], order);
		for (const session of all) if (session !== moved && session !== gone) untouchable(session);
		expect(placement.update([moved, gone, fresh, moved], (s) => s !== gone, [])).toBe(true);
		const rows = [...placement.all.rows];
		expect(rows).toHaveLength(500);
		expect(rows.every((row, i) => row === expected[i])).toBe(true);
		expect(rows[0]).toBe(moved);
		expect([...before].every((row, i) => row === copy[i])).toBe(true);
	});

	it('keeps the base and a view cut from it in the order of sorting everything, over random changes', () => {
		let x = 42;
		const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
		const all = sessions(300);
		const listed = new Set(all.filter(() => next() < 0.8));
		const wanted = new Set(all.filter(() => next() < 0.5));
		const shown = (s: Session) => wanted.has(s);
		const placement = new Placement(order, sortSessions([...listed], order));
		const view = placement.select(shown);
		expect([...view.rows]).toEqual(sortSessions([...listed].filter(shown), order));
		for (let round = 0; round < 80; round++) {
			const changed: Session[] = [];
			for (let i = 0; i < 1 + Math.floor(next() * 20); i++) {
				const session = all[Math.floor(next() * all.length)];
				session.connectedAt = next() < 0.1 ? undefined : 1000 + Math.floor(next() * 60);
				if (next() < 0.3) {
					if (listed.has(session)) listed.delete(session);
					else listed.add(session);
				}

				if (next() < 0.3) {
					if (wanted.has(session)) wanted.delete(session);
					else wanted.add(session);
				}

				changed.push(session);
			}

			const before = view.rows;
			const copy = [...before];
			expect(placement.update(changed, (s) => listed.has(s), [[view, shown]])).toBe(true);
			expect([...view.rows], `round ${round}`).toEqual(sortSessions([...listed].filter(shown), order));
			expect([...before]).toEqual(copy);
			if (round % 7 === 6) {
				// The base catches up (several rounds of changes at once) when updated with no views.
				expect(placement.update([], (s) => listed.has(s), [])).toBe(true);
				expect([...placement.all.rows], `round ${round}`).toEqual(sortSessions([...listed], order));
				// A view cut afresh from the base equals the one kept up to date.
				expect([...placement.select(shown).rows]).toEqual([...view.rows]);
			}
		}
	});

	it('answers false when a session is not where its placed key says (the caller rebuilds)', () => {
		const all = sessions(200);
		const placement = new Placement(order, sortSessions([...all], order));
		// Its identity (the last tie-break) changed behind the view's back: it is not found where it was placed.
		const stranger = all[105];
		stranger.clientId = '0';
		expect(placement.update([stranger], () => true, [])).toBe(false);
	});

	it('keeps order across many chunks: rows added until chunks split, removed until chunks empty, windows read across chunks', () => {
		let x = 7;
		const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
		const all = sessions(4000);
		const listed = new Set(all.slice(0, 1500));
		const placement = new Placement(order, sortSessions([...listed], order));
		const view = placement.select((s) => s.clientId.endsWith('1') || s.clientId.endsWith('7'));
		const shown = (s: Session) => s.clientId.endsWith('1') || s.clientId.endsWith('7');
		const handedOut: Array<{rows: Rows; copy: Session[]}> = [];
		// Grow (new sessions pile into the same places: chunks split), churn, then shrink to nothing.
		for (const phase of ['grow', 'churn', 'shrink'] as const) {
			for (let round = 0; round < 12; round++) {
				const changed: Session[] = [];
				for (let i = 0; i < 300; i++) {
					const session = all[Math.floor(next() * all.length)];
					if (phase === 'grow') {
						session.connectedAt = 1000;
						listed.add(session);
					} else if (phase === 'shrink') listed.delete(session);
					else {
						session.connectedAt = 1000 + Math.floor(next() * 60);
						if (next() < 0.5) listed.delete(session);
						else listed.add(session);
					}

					changed.push(session);
				}

				if (phase === 'shrink' && round === 11) for (const session of listed) changed.push(session);
				if (phase === 'shrink' && round === 11) listed.clear();
				expect(placement.update(changed, (s) => listed.has(s), [[view, shown]])).toBe(true);
				// The base catches up now and then: several rounds of changes at once.
				if (round % 3 === 2 || phase === 'shrink') expect(placement.update([], (s) => listed.has(s), [])).toBe(true);
				const expected = sortSessions([...listed], order);
				expect([...view.rows]).toEqual(expected.filter(shown));
				handedOut.push({rows: view.rows, copy: [...view.rows]});
				if (round % 3 !== 2 && phase !== 'shrink') continue;
				const rows = placement.all.rows;
				expect([...rows], `${phase} ${round}`).toEqual(expected);
				expect(rows.length).toBe(expected.length);
				for (let i = 0; i < expected.length; i += 37) expect(rows.at(i)).toBe(expected[i]);
				expect(rows.at(-1)).toBe(expected.at(-1));
				expect(rows.at(expected.length)).toBeUndefined();
				const from = Math.floor(next() * (expected.length + 10));
				expect(rows.slice(from, from + 40)).toEqual(expected.slice(from, from + 40));
				handedOut.push({rows, copy: [...rows]});
			}
		}

		expect(placement.all.rows.length).toBe(0);
		// Rows handed out are never written again, however many chunks changed since.
		for (const {rows, copy} of handedOut) expect([...rows]).toEqual(copy);
	});
});

describe('finding a placed row', () => {
	it('finds every row at its index by its placed key, says -1 for others, and counts each change of the rows', () => {
		// Many sessions share each key (50 distinct times): the search must land on the very session.
		const all = sessions(3000);
		const placement = new Placement(order, sortSessions([...all], order));
		const base = placement.all;
		const rows = [...base.rows];
		for (let i = 0; i < rows.length; i += 7) expect(base.find(rows[i], placement.placedKey(rows[i])!)).toBe(i);
		const stranger = newSession('local', 'never-listed', 1);
		stranger.connectedAt = 1010;
		expect(placement.placedKey(stranger)).toBeUndefined();
		expect(base.find(stranger, placement.placedKey(rows[5])!)).toBe(-1);
		const version = base.version;
		expect(placement.update([], () => true, [])).toBe(true);
		expect(base.version).toBe(version);
		rows[3].connectedAt = 5000;
		expect(placement.update([rows[3]], () => true, [])).toBe(true);
		expect(base.version).toBe(version + 1);
		expect(base.find(rows[3], placement.placedKey(rows[3])!)).toBe(0);
	});
});
