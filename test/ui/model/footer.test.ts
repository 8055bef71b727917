import {describe, expect, test} from 'vitest';
import {footerLine} from '../../../source/ui/model/footer.js';
import {lineText} from '../../../source/ui/model/line.js';

describe('footerLine', () => {
	test('a wide terminal shows every hint of the table, help and quit last', () => {
		const text = lineText(footerLine('table', false, 200));
		for (const hint of ['↑↓ move', '/ filter', 'K kick', 'B block', 'U unblock', 'e export']) expect(text).toContain(hint);
		expect(text.endsWith('? help  q quit')).toBe(true);
	});

	test('in 80 columns the optional hints give way, never help and quit', () => {
		const text = lineText(footerLine('table', false, 79));
		expect(text.length).toBeLessThanOrEqual(79);
		expect(text).toContain('? help');
		expect(text).toContain('q quit');
		expect(text).toContain('↑↓ move');
	});

	test('read-only says so and offers no action', () => {
		const text = lineText(footerLine('table', true, 79));
		expect(text).toContain('READ-ONLY');
		expect(text).not.toMatch(/kick|block/);
		expect(text).toContain('q quit');
	});
});
