import {describe, expect, test} from 'vitest';
import {AccountBook, DynsecEmulation, type Actor} from '../../source/demo/aedes-dynsec.js';

const actor: Actor = {clientId: 'mon-1', username: 'mqtt-top-demo'};

function setUp() {
	const book = new AccountBook([
		{username: 'mqtt-top-demo', password: 'admin-pw', admin: true},
		{username: 'sensors', password: 's'},
		{username: 'tracker-9', password: 't', disabled: true},
	]);
	const kicked: string[] = [];
	const audit: string[] = [];
	const dynsec = new DynsecEmulation(book, {
		kick: (username) => kicked.push(username),
		audit: (who, command, args) =>
			audit.push(`${who.clientId}/${who.username} | ${command} | ${args.map(([k, v]) => `${k}=${v}`).join(' | ')}`),
	});
	const run = (...commands: Array<Record<string, unknown>>) =>
		(JSON.parse(dynsec.handle(JSON.stringify({commands}), actor)!) as {responses: Array<Record<string, unknown>>}).responses;
	return {book, kicked, audit, run};
}

describe('the embedded broker’s dynamic-security emulation', () => {
	test('listClients answers in the plugin’s shape, with disabled only where true', () => {
		const {run} = setUp();
		expect(run({command: 'listClients', verbose: true, correlationData: 'c1'})).toEqual([
			{
				command: 'listClients',
				correlationData: 'c1',
				data: {
					totalCount: 3,
					clients: [
						{username: 'mqtt-top-demo', roles: [{rolename: 'admin'}], groups: []},
						{username: 'sensors', roles: [{rolename: 'device'}], groups: []},
						{username: 'tracker-9', roles: [{rolename: 'device'}], groups: [], disabled: true},
					],
				},
			},
		]);
		expect(run({command: 'listClients', correlationData: 'c2'})[0].data).toEqual({
			totalCount: 3,
			clients: ['mqtt-top-demo', 'sensors', 'tracker-9'],
		});
	});

	test('disableClient blocks the login and kicks the sessions; enableClient lets it in again', () => {
		const {book, kicked, audit, run} = setUp();
		expect(book.authenticate('sensors', Buffer.from('s'))).toBeDefined();
		expect(run({command: 'disableClient', username: 'sensors', correlationData: 'd'})).toEqual([
			{command: 'disableClient', correlationData: 'd'},
		]);
		expect(kicked).toEqual(['sensors']);
		expect(book.authenticate('sensors', Buffer.from('s'))).toBeUndefined();
		expect(audit).toEqual(['mon-1/mqtt-top-demo | disableClient | username=sensors']);
		expect(run({command: 'getClient', username: 'sensors'})[0].data).toEqual({
			client: {username: 'sensors', roles: [{rolename: 'device'}], groups: [], disabled: true},
		});

		run({command: 'enableClient', username: 'sensors'});
		expect(book.authenticate('sensors', Buffer.from('s'))).toBeDefined();
		expect(kicked).toEqual(['sensors']);
	});

	test('modifyClient with only a username kicks without changing the account', () => {
		const {book, kicked, run} = setUp();
		expect(run({command: 'modifyClient', username: 'sensors', correlationData: 'k'})).toEqual([
			{command: 'modifyClient', correlationData: 'k'},
		]);
		expect(kicked).toEqual(['sensors']);
		expect(book.authenticate('sensors', Buffer.from('s'))).toBeDefined();
	});

	test('errors use the plugin’s words and change nothing', () => {
		const {kicked, audit, run} = setUp();
		expect(run({command: 'disableClient', username: 'nobody', correlationData: 'x'})).toEqual([
			{command: 'disableClient', correlationData: 'x', error: 'Client not found'},
		]);
		expect(run({command: 'getClient'})[0].error).toBe('Invalid/missing username');
		expect(run({command: 'deleteRole', rolename: 'x'})[0].error).toBe('Unknown command');
		expect(kicked).toEqual([]);
		expect(audit).toEqual([]);
	});

	test('authentication refuses unknown users, wrong passwords, no password and disabled accounts', () => {
		const {book} = setUp();
		expect(book.authenticate('admin', Buffer.from('admin-pw'))).toBeUndefined();
		expect(book.authenticate('sensors', Buffer.from('wrong'))).toBeUndefined();
		expect(book.authenticate('sensors', undefined)).toBeUndefined();
		expect(book.authenticate(undefined, undefined)).toBeUndefined();
		expect(book.authenticate('tracker-9', Buffer.from('t'))).toBeUndefined();
		expect(book.isAdmin('mqtt-top-demo')).toBe(true);
		expect(book.isAdmin('sensors')).toBe(false);
	});
});
