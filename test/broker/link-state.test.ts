import {describe, expect, it} from 'vitest';
import type {ConnectionState} from '../../source/broker/adapter.js';
import {brokerRestarted, nextLinkState, retryDelay, type BackoffPolicy, type LinkEvent} from '../../source/broker/link-state.js';

const policy: BackoffPolicy = {baseMs: 1000, maxMs: 10_000, takeoverMs: 60_000, takeoverMaxMs: 600_000, random: () => 0.5};
const live: ConnectionState = {state: 'connected'};

function run(events: LinkEvent[], from: ConnectionState = live): ConnectionState {
	return events.reduce((state, event) => nextLinkState(state, event, policy), from);
}

describe('link state', () => {
	it('a lost link remembers when data was last good and when to try again', () => {
		const state = run([{type: 'lost', at: 1000, reason: 'connection refused'}]);
		expect(state).toMatchObject({state: 'reconnecting', lostAt: 1000, retryAt: 2000, attempts: 0, detail: 'connection refused'});
	});

	it('backs off exponentially up to the ceiling, and keeps the first loss time through failed attempts', () => {
		let state = run([{type: 'lost', at: 0, reason: 'reset'}]);
		const waits: number[] = [];
		let at = 0;
		for (let i = 0; i < 7; i++) {
			waits.push(state.retryAt! - at);
			at = state.retryAt!;
			state = run(
				[
					{type: 'attempt', at},
					{type: 'lost', at, reason: 'connection refused'},
				],
				state,
			);
			expect(state.lostAt).toBe(0);
		}

		expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
	});

	it('spreads retries with jitter', () => {
		const low = retryDelay({state: 'reconnecting', attempts: 2}, {...policy, random: () => 0});
		const high = retryDelay({state: 'reconnecting', attempts: 2}, {...policy, random: () => 1});
		expect([low, high]).toEqual([3200, 4800]);
	});

	it('is live again only after the resync, and a loss during the resync keeps the old loss time', () => {
		let state = run([
			{type: 'lost', at: 100, reason: 'reset'},
			{type: 'attempt', at: 1100},
			{type: 'connack', at: 1150},
		]);
		expect(state).toMatchObject({state: 'resyncing', lostAt: 100});
		expect(run([{type: 'lost', at: 1200, reason: 'reset'}], state)).toMatchObject({state: 'reconnecting', lostAt: 100, attempts: 1});
		state = run([{type: 'resynced', at: 1300}], state);
		expect(state).toEqual({state: 'connected', takeovers: 0});
		expect(run([{type: 'lost', at: 5000, reason: 'reset'}], state)).toMatchObject({lostAt: 5000, attempts: 0});
	});

	it('after a takeover waits a long time, longer with each further takeover, and says why', () => {
		let state = run([{type: 'lost', at: 0, reason: 'another client took the ID', takenOver: true}]);
		expect(state).toMatchObject({takenOver: true, takeovers: 1, retryAt: 60_000});
		state = run(
			[
				{type: 'attempt', at: 60_000},
				{type: 'connack', at: 60_010},
				{type: 'resynced', at: 60_020},
				{type: 'lost', at: 70_000, reason: 'another client took the ID', takenOver: true},
			],
			state,
		);
		expect(state).toMatchObject({takenOver: true, takeovers: 2, retryAt: 70_000 + 120_000});
		const ceiling = run([{type: 'lost', at: 0, reason: 'x', takenOver: true}], {state: 'connected', takeovers: 10});
		expect(ceiling.retryAt).toBe(600_000);
	});

	it('stays closed once closed', () => {
		const closed = run([{type: 'closed', at: 0}]);
		expect(run([{type: 'lost', at: 1, reason: 'x'}], closed).state).toBe('closed');
	});
});

describe('broker restart from uptime', () => {
	it('uptime going down is a restart', () => {
		expect(brokerRestarted({uptime: 120, at: 0}, {uptime: 3, at: 5000}, 3000)).toBe(true);
	});

	it('a later start time than the readings explain is a restart, even when uptime grew', () => {
		// Up 10 s at t=0 (started at -10 s); 40 s later up 25 s (started at +15 s): restarted.
		expect(brokerRestarted({uptime: 10, at: 0}, {uptime: 25, at: 40_000}, 3000)).toBe(true);
	});

	it('a retained reading up to one sys_interval old is not a restart', () => {
		// Started at -100 s; the retained reading arrives 9 s after it was published.
		expect(brokerRestarted({uptime: 100, at: 0}, {uptime: 130, at: 39_000}, 12_000)).toBe(false);
		expect(brokerRestarted({uptime: 100, at: 0}, {uptime: 130, at: 30_500}, 3000)).toBe(false);
	});
});
