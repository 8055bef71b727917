import {describe, expect, it} from 'vitest';
import {osc52} from '../../source/ui/clipboard.js';

describe('osc52', () => {
	it('wraps the text, base64-encoded, in the set-clipboard sequence', () => {
		expect(osc52('gw-01')).toBe('\u001B]52;c;Z3ctMDE=\u0007');
		expect(Buffer.from(osc52('台所 7').slice(7, -1), 'base64').toString()).toBe('台所 7');
	});
});
