import {expect, test} from 'vitest';
import {help, parseCli} from '../source/cli-flags.js';

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
