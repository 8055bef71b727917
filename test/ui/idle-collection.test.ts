import {describe, expect, it} from 'vitest';
import {collectAfterFrame, idleCollections, youngGenerationUsed} from '../../source/ui/idle-collection.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Allocates short-lived objects until the young generation holds at least `bytes`. */
function fillYoung(bytes: number): void {
	let keep: unknown[] = [];
	for (let i = 0; youngGenerationUsed() < bytes && i < 10_000; i++) {
		keep = Array.from({length: 1000}, (_, n) => ({n, text: `row ${n}`}));
	}

	expect(keep.length).toBe(1000);
	expect(youngGenerationUsed()).toBeGreaterThanOrEqual(bytes);
}

describe('collection after a frame', () => {
	it('empties the young generation once the event loop is free, not during the frame', async () => {
		// Past the spacing left by any earlier collection in this process.
		await new Promise((resolve) => setTimeout(resolve, 60));
		fillYoung(4 * 2 ** 20);
		const before = idleCollections;
		collectAfterFrame();
		collectAfterFrame();
		expect(idleCollections).toBe(before);
		await turn();
		await turn();
		expect(idleCollections).toBe(before + 1);
		expect(youngGenerationUsed()).toBeLessThan(2 * 2 ** 20);
	});

	it('collects at most once per 50 ms, and leaves a nearly empty young generation alone', async () => {
		const sleep = () => new Promise((resolve) => setTimeout(resolve, 60));
		const settle = async () => {
			await turn();
			await turn();
		};

		await sleep();
		fillYoung(4 * 2 ** 20);
		const before = idleCollections;
		collectAfterFrame();
		await settle();
		expect(idleCollections).toBe(before + 1);
		// A frame right after: too soon, however full.
		fillYoung(4 * 2 ** 20);
		collectAfterFrame();
		await settle();
		expect(idleCollections).toBe(before + 1);
		// Later, the next frame does it.
		await sleep();
		collectAfterFrame();
		await settle();
		expect(idleCollections).toBe(before + 2);
		// Idle since: nothing worth a collection.
		await sleep();
		expect(youngGenerationUsed()).toBeLessThan(2 * 2 ** 20);
		collectAfterFrame();
		await settle();
		expect(idleCollections).toBe(before + 2);
	});
});
