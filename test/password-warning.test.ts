import {expect, test} from 'vitest';
import {maskedArguments, passwordWarning} from '../source/password-warning.js';

test('a password in any of several -L URLs is warned about and masked', () => {
	const flags = {url: ['mqtt://a', 'mqtt://u:p%40ss@b']};
	expect(passwordWarning(flags)).toContain('the password in the -L/--url URL');
	expect(maskedArguments(['-L', 'mqtt://a', '-L', 'mqtt://u:p%40ss@b'], flags)).toEqual(['-L', 'mqtt://a', '-L', 'mqtt://u:***@b']);
	expect(passwordWarning({url: ['mqtt://a', 'mqtt://b']})).toBeUndefined();
});
