import {describe, expect, it} from 'vitest';
import {windowTop} from '../../../source/ui/model/viewport.js';

describe('windowTop', () => {
	it('scrolls only as far as needed to show the cursor', () => {
		expect(windowTop(0, 5, 10, 100)).toBe(0);
		expect(windowTop(0, 10, 10, 100)).toBe(1);
		expect(windowTop(20, 15, 10, 100)).toBe(15);
		expect(windowTop(20, 25, 10, 100)).toBe(20);
	});

	it('never leaves blank rows at the bottom when rows were removed', () => {
		expect(windowTop(90, 95, 10, 92)).toBe(82);
		expect(windowTop(5, 3, 10, 8)).toBe(0);
	});
});
