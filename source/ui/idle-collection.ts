import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';

// V8 empties its young generation (a scavenge) when it fills up, that is, in the middle of
// whatever allocates most: drawing a frame. At 100,000 sessions a scavenge took 5–12 ms and one
// in ten frames paid for one, which set the frame's p99 and the slowest key presses. The monitor
// knows when it is idle, just after a frame is written, so it empties the young generation then,
// and a frame starts with room to allocate in. A browser schedules its collections in idle time
// for the same reason.

type Collect = (options: {type: 'minor'}) => void;

/** A young generation holding less than this is left alone: an idle monitor collects nothing. */
const worthCollecting = 2 * 2 ** 20;
/** At most one collection this often, however fast frames follow each other (typing, 60 fps). */
const spacingMs = 50;

function collector(): Collect | undefined {
	const exposed = (globalThis as {gc?: unknown}).gc;
	if (typeof exposed === 'function') return exposed as Collect;
	try {
		// Exposes gc() to contexts made from now on, this one's global untouched.
		v8.setFlagsFromString('--expose-gc');
		const collect = runInNewContext('gc') as unknown;
		return typeof collect === 'function' ? (collect as Collect) : undefined;
	} catch {
		return undefined;
	}
}

/** Bytes in V8's young generation now. */
export function youngGenerationUsed(): number {
	for (const space of v8.getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_used_size;
	return 0;
}

let collect: Collect | undefined | null = null;
let scheduled = false;
let last = Number.NEGATIVE_INFINITY;
/** How many collections ran (for tests). */
export let idleCollections = 0;

/**
 * Call when a frame was written: the young generation is emptied once the event loop is free
 * again (after pending I/O, so a key already waiting is read first). The immediate is not
 * unref'd: Node lets the loop sleep in its poll phase while only unref'd immediates are pending,
 * which would put the collection off until the next key or tick, the moment it must not take.
 */
export function collectAfterFrame(): void {
	if (scheduled) return;
	collect ??= collector() ?? undefined;
	if (!collect) return;
	scheduled = true;
	setImmediate(() => {
		scheduled = false;
		const now = performance.now();
		if (now - last < spacingMs || youngGenerationUsed() < worthCollecting) return;
		last = now;
		idleCollections++;
		collect!({type: 'minor'});
	});
}
