import {expect, test} from 'vitest';
import {help, packageVersion, parseCli} from '../source/cli-flags.js';

test('-L/--url repeats, one broker per URL; never given, it stays undefined', () => {
	expect(parseCli(['-L', 'mqtt://a', '--url', 'mqtt://b', '--url=mqtt://c']).flags.url).toEqual(['mqtt://a', 'mqtt://b', 'mqtt://c']);
	expect(parseCli([]).flags.url).toBeUndefined();
});

test('the fleet flags are known and documented', () => {
	const {flags} = parseCli(['--brokers', 'f.toml', '--broker-type', 'emqx', '--api-url', 'http://e:18083']);
	expect([flags.brokers, flags.brokerType, flags.apiUrl]).toEqual(['f.toml', 'emqx', 'http://e:18083']);
	for (const text of ['--brokers FILE', '--broker-type T', '--api-url URL', 'brokers.toml', 'password_env', 'node:'])
		expect(help).toContain(text);
});

test('flags are split by the documented conventions', () => {
	const {input, flags} = parseCli(['-yi', 'ID', 'kick', '-p1883', '--host=h=2', '--', '-dash']);
	expect(input).toEqual(['kick', '-dash']);
	expect([flags.yes, flags.id, flags.port, flags.host]).toEqual([true, 'ID', 1883, 'h=2']);
	expect(parseCli(['--no-log-file', '--insecure', '--no-insecure']).flags).toMatchObject({logFile: false, insecure: false});
	expect(parseCli(['--json', 'true', 'list', '--yes', 'false']).flags).toMatchObject({json: true, yes: false});
	expect(parseCli(['--json', 'true', 'list']).input).toEqual(['list']);
	expect(parseCli(['--port', '-1']).flags.port).toBe(-1);
	expect(parseCli(['--filter', '-user:admin status:online', 'list']).flags.filter).toBe('-user:admin status:online');
	// A value-taking flag followed by another flag has no value: the later checks say what is missing.
	expect(parseCli(['--host', '--port', '1']).flags).toMatchObject({host: '', port: 1});
	expect(parseCli(['--log-file']).flags.logFile).toBe('');
	expect(parseCli([]).flags).toMatchObject({json: false, readOnly: false, wait: 2, demoClients: 60});
	expect(parseCli([]).flags.logFile).toBeUndefined();
});

test('a one-value flag given twice is refused, a repeatable one collects', () => {
	expect(() => parseCli(['-h', 'a', '--host', 'b'])).toThrow('the flag --host can only be given once');
	expect(() => parseCli(['--no-log-file', '--log-file', 'x'])).toThrow('--log-file can only be given once');
	expect(parseCli(['--yes', '-y']).flags.yes).toBe(true);
});

test('the version comes from the package', () => {
	expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
});
