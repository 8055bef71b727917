import {describe, expect, test} from 'vitest';
import {chooseLogFile, defaultLogFile, isLocalHost} from '../../../../source/broker/mosquitto/log-file/choose.js';

const readable = () => true;
const unreadable = () => false;

describe('chooseLogFile', () => {
	test('--log-file wins, local or not, readable or not (opening it then says why it failed)', () => {
		expect(chooseLogFile({host: 'broker.example', logFile: '/srv/m.log'}, unreadable)).toEqual({path: '/srv/m.log', reason: '--log-file'});
	});

	test('--no-log-file turns it off even for a local broker', () => {
		expect(chooseLogFile({host: 'localhost', logFile: false}, readable)).toBeUndefined();
	});

	test.each(['localhost', '127.0.0.1', '127.0.1.1', '::1', '[::1]', 'LOCALHOST', '/run/mosquitto/mqtt.sock'])(
		'a local broker (%s) with a readable default file uses it',
		(host) => {
			expect(chooseLogFile({host}, (p) => p === defaultLogFile)).toEqual({
				path: defaultLogFile,
				reason: 'local broker: reading its default log file',
			});
		},
	);

	test('a local broker whose default file cannot be read: none, quietly', () => {
		expect(chooseLogFile({host: 'localhost'}, unreadable)).toBeUndefined();
	});

	test.each(['broker.example', '10.0.0.5', '::2', '127.0.0.1.example.com', '1127.0.0.1'])(
		'a remote broker (%s): none, its log is not on this host',
		(host) => {
			expect(isLocalHost(host)).toBe(false);
			expect(chooseLogFile({host}, readable)).toBeUndefined();
		},
	);

	test('a local broker on another port is not the one writing the default file', () => {
		expect(chooseLogFile({host: 'localhost', port: 18830}, readable)).toBeUndefined();
		expect(chooseLogFile({host: 'localhost', port: 1883}, readable)?.path).toBe(defaultLogFile);
		expect(chooseLogFile({host: 'localhost', port: 8883}, readable)?.path).toBe(defaultLogFile);
		expect(chooseLogFile({host: 'localhost', port: 18830, logFile: '/srv/m.log'}, readable)?.path).toBe('/srv/m.log');
	});
});
