import {describe, expect, test} from 'vitest';
import {planBlock, planKick, planUnblock} from '../../support/legacy-plan.js';
import {SessionStore} from '../../../source/model/session-store.js';

const dynsec = {dynsec: true} as const;
const none = {dynsec: false, reason: 'plugin missing'} as const;

function store() {
	const s = new SessionStore();
	const add = (clientId: string, username: string | undefined, cleanSession = true, protocol: '3.1.1' | '5.0' = '3.1.1') =>
		s.apply({type: 'connect', time: 0, clientId, username, address: '10.0.0.1', port: 1, protocol, cleanSession, keepAlive: 60});
	add('gw-02', 'alice');
	add('gw-01', 'alice', false);
	add('kitchen sensor 7', 'alice');
	add('anon-clean', undefined);
	add('anon-sticky', undefined, false);
	add('evil\u001b[2J', 'mallory');
	add('v5-clean-start', undefined, true, '5.0');
	add('v5-resume', undefined, false, '5.0');
	s.apply({
		type: 'connect',
		time: 0,
		clientId: 'alice-gone',
		username: 'alice',
		address: 'x',
		port: 1,
		protocol: '5.0',
		cleanSession: false,
		keepAlive: 1,
	});
	s.apply({type: 'disconnect', time: 0, clientId: 'alice-gone', kind: 'client', reason: 'x'});
	return s;
}

describe('planKick', () => {
	test('with dynamic security, a kick names every online session of the username', () => {
		const plan = planKick(store(), 'gw-01', dynsec);
		expect(plan).toMatchObject({kind: 'kick-user', username: 'alice', destructive: false});
		expect(plan.summary).toBe('kicks username alice: disconnects 3 sessions: gw-01, gw-02, kitchen sensor 7');
	});

	test('an anonymous clean session is kicked by takeover, harmlessly', () => {
		const plan = planKick(store(), 'anon-clean', dynsec);
		expect(plan).toMatchObject({kind: 'kick-takeover', persistent: false, destructive: false});
		expect(plan.summary).toContain('harmless for its clean session');
	});

	test('a persistent session without a username would be destroyed, and the plan says so', () => {
		const plan = planKick(store(), 'anon-sticky', dynsec);
		expect(plan).toMatchObject({kind: 'kick-takeover', persistent: true, destructive: true});
		expect(plan.summary).toContain('DESTROYS its persistent session');
	});

	test('without dynamic security even a named user is a takeover', () => {
		expect(planKick(store(), 'gw-01', none)).toMatchObject({kind: 'kick-takeover', destructive: true});
		expect(planKick(store(), 'gw-02', none)).toMatchObject({kind: 'kick-takeover', destructive: false});
	});

	test('an MQTT 5 session is never called harmless, whatever its clean-start flag: its expiry is not logged', () => {
		for (const id of ['v5-clean-start', 'v5-resume']) {
			const plan = planKick(store(), id, dynsec);
			expect(plan).toMatchObject({kind: 'kick-takeover', persistent: undefined, destructive: true});
			expect(plan.summary).toContain('its session may persist: this may DESTROY it');
			expect(plan.summary).not.toContain('harmless');
		}
	});

	test('an unknown client ID cannot be judged safe', () => {
		expect(planKick(store(), 'ghost', dynsec)).toMatchObject({kind: 'kick-takeover', persistent: undefined, destructive: true});
	});

	test('an account pinned to the client ID gives the username of an unseen session', () => {
		const s = store();
		s.setAccounts([{username: 'pinned', disabled: false, clientId: 'ghost'}]);
		expect(planKick(s, 'ghost', dynsec)).toMatchObject({kind: 'kick-user', username: 'pinned'});
	});

	test('hostile client IDs are escaped in what the operator reads', () => {
		expect(planKick(store(), 'evil\u001b[2J', dynsec).summary).toBe('kicks username mallory: disconnects 1 session: evil\\x1b[2J');
	});
});

describe('planBlock and planUnblock', () => {
	test('block lists the online sessions it will disconnect, not the offline one', () => {
		const plan = planBlock(store(), 'alice');
		expect(plan.summary).toBe(
			'disables username alice (it cannot reconnect until unblocked): disconnects 3 sessions: gw-01, gw-02, kitchen sensor 7',
		);
	});

	test('block of a user with nobody online says so', () => {
		expect(planBlock(store(), 'nobody').summary).toContain('no known session is online');
	});

	test('unblock names the known sessions', () => {
		expect(planUnblock(store(), 'alice').summary).toMatch(/^enables username alice again \(4 sessions known: /);
	});
});
