import {describe, expect, test} from 'vitest';
import {brokerUrl, buildConfig, defaultAuditLog, defaultClientId} from '../source/config.js';

describe('buildConfig', () => {
	test('defaults mirror mosquitto_sub', () => {
		const config = buildConfig({}, {});
		expect(config).toMatchObject({transport: 'mqtt', host: 'localhost', port: 1883, protocolVersion: 5, refresh: 1, readOnly: false});
		expect(brokerUrl(config)).toBe('mqtt://localhost:1883');
	});

	test('TLS files switch to mqtts on 8883', () => {
		expect(() => buildConfig({cafile: '/nonexistent/ca.pem'}, {})).toThrow('cannot read --cafile /nonexistent/ca.pem: ENOENT');
		const config = buildConfig({url: 'mqtts://broker.example'}, {});
		expect([config.transport, config.port]).toEqual(['mqtts', 8883]);
	});

	test('a URL gives host, port, credentials and a websocket path', () => {
		const config = buildConfig({url: 'wss://ops:s%40cret@[::1]:9001/mqtt'}, {});
		expect(config).toMatchObject({transport: 'wss', host: '::1', port: 9001, path: '/mqtt', username: 'ops', password: 's@cret'});
		expect(brokerUrl(config)).toBe('wss://[::1]:9001/mqtt');
	});

	test('the password comes from MQTT_TOP_PASSWORD when not given, and a flag wins', () => {
		expect(buildConfig({username: 'a'}, {MQTT_TOP_PASSWORD: 'env'}).password).toBe('env');
		expect(buildConfig({username: 'a', password: 'flag'}, {MQTT_TOP_PASSWORD: 'env'}).password).toBe('flag');
	});

	test('--keepalive: whole seconds from 2 to 3600, default 30', () => {
		expect(buildConfig({}, {}).keepAlive).toBe(30);
		expect(buildConfig({keepalive: 5}, {}).keepAlive).toBe(5);
		for (const keepalive of [0, 1, 2.5, 3601, Number.NaN]) {
			expect(() => buildConfig({keepalive}, {})).toThrow(`--keepalive: ${keepalive} is not a whole number of seconds from 2 to 3600`);
		}
	});

	test('a password without a username is refused', () => {
		expect(() => buildConfig({}, {MQTT_TOP_PASSWORD: 'x'})).toThrow('a password was given without -u/--username');
	});

	test.each([
		[{port: 0}, '-p/--port: 0 is not a port number'],
		[{url: 'not a url'}, "-L/--url: 'not a url' is not a URL"],
		[{protocolVersion: 'mqttv6'}, "-V/--protocol-version: 'mqttv6'"],
		[{refresh: 0}, '--refresh: 0 is out of range (more than 0, at most 3600 seconds)'],
		[{refresh: 3601}, '--refresh: 3601 is out of range (more than 0, at most 3600 seconds)'],
	])('%j is a usage error', (flags, message) => {
		expect(() => buildConfig(flags, {})).toThrow(message);
		try {
			buildConfig(flags, {});
		} catch (error) {
			expect((error as {exitCode: number}).exitCode).toBe(2);
		}
	});

	test('client IDs are unique by default, so two monitors never take each other over', () => {
		const a = defaultClientId();
		expect(a).toMatch(/^mqtt-top-[A-Za-z0-9_-]+-[0-9a-f]{8}$/);
		expect(defaultClientId()).not.toBe(a);
	});

	test('the audit log follows XDG_STATE_HOME', () => {
		expect(defaultAuditLog({XDG_STATE_HOME: '/state'})).toBe('/state/mqtt-top/audit.log');
		expect(defaultAuditLog({})).toMatch(/\.local\/state\/mqtt-top\/audit\.log$/);
	});
});
