import {describe, expect, it} from 'vitest';
import {buildConfig} from '../../source/config.js';
import {maskedArguments, passwordWarning} from '../../source/password-warning.js';
import {decodeCredential, withoutCredentials} from '../../source/util/url-secrets.js';

describe('credentials in URLs', () => {
	it('are never echoed in an error', () => {
		expect(withoutCredentials('admin:s3cret@emqx:18083')).toBe('***@emqx:18083');
		expect(withoutCredentials('http://key:s3cret@emqx:18083/api/v5')).toBe('http://***@emqx:18083/api/v5');
		expect(withoutCredentials('http://emqx:18083')).toBe('http://emqx:18083');
		expect(() => buildConfig({brokerType: 'emqx', apiUrl: 'admin:s3cret@emqx:18083'})).toThrow(/^(?!.*s3cret)/);
	});

	it('a stray % in a URL password is one usage error, not a crash', () => {
		expect(decodeCredential('50%off')).toBeUndefined();
		expect(decodeCredential('a%40b')).toBe('a@b');
		expect(() => buildConfig({url: 'mqtt://u:50%off@broker:1883'})).toThrow('not valid percent-encoding (write % as %25)');
	});

	it('an --api-url with a password is warned about and masked in the process title', () => {
		const flags = {apiUrl: 'http://admin:s3cret@rabbit:15672'};
		expect(passwordWarning(flags)).toContain('the password in the --api-url URL');
		expect(maskedArguments(['--api-url', flags.apiUrl], flags).join(' ')).not.toContain('s3cret');
	});
});
