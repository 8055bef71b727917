// Ink composes every frame from scratch: each line of text is cut into styled characters
// (grapheme segmentation plus ANSI parsing) and each character measured, and Ink caches those
// results for the one frame only. The monitor redraws mostly the same lines every tick (rows
// shift, they seldom change), so that repeated work was over half of a frame: at 80×40 and 1,000
// sessions a profile put tokenize, styledCharsFromTokens and stringWidth at ~4 of ~7 ms. This
// keeps Ink's own per-frame caches alive across frames, bounded. It is Ink's code that computes
// every entry, and what an entry holds is never changed after it is made (Ink only reads the
// styled characters it places), so a frame drawn from the kept caches is the frame Ink draws.
//
// Ink does not export the class: it is reached through the file Ink itself imports, which makes
// this depend on Ink's internals. installInkLineCache says so (false) when they are not found,
// and test/ui/ink-line-cache.test.ts fails then, so an Ink upgrade cannot drop it unnoticed.

type Caches = {
	styledChars: Map<string, unknown>;
	widths: Map<string, number>;
	getStyledChars(line: string): unknown;
	getStringWidth(text: string): number;
};

type OutputClass = new (options: {width: number; height: number}) => {caches?: unknown};

/**
 * Lines (and separately, measured texts) kept per generation. When the current generation is
 * full it becomes the previous one and a new one starts; a hit in the previous generation moves
 * to the current one. So whatever was on screen in the last frames stays, and the memory is
 * bounded: a styled line of 80 characters is ~10 KB, so 400 lines are a few MB at most.
 */
export const linesPerGeneration = 400;
const textsPerGeneration = 4000;

let installed = false;

function isCaches(value: unknown): value is Caches {
	const caches = value as Partial<Caches> | undefined;
	return (
		caches?.styledChars instanceof Map &&
		caches.widths instanceof Map &&
		typeof caches.getStyledChars === 'function' &&
		typeof caches.getStringWidth === 'function'
	);
}

async function inkOutputModule(): Promise<{default?: unknown}> {
	try {
		// The bundle: rolldown.config.js resolves this to the output.js Ink itself imports.
		return (await import('ink/build/output.js')) as {default?: unknown};
	} catch {
		// Unbundled (the tests, the bench): Ink's package exports hide the file; it is beside Ink's entry.
		return (await import(new URL('output.js', import.meta.resolve('ink')).href)) as {default?: unknown};
	}
}

/**
 * Makes Ink keep the styled characters and widths it computes across frames. Returns whether
 * it could (false: this Ink does not compose frames the way this was written for; it still
 * draws, only slower). Safe to call more than once.
 */
export async function installInkLineCache(): Promise<boolean> {
	if (installed) return true;
	let Output: OutputClass;
	try {
		Output = (await inkOutputModule()).default as OutputClass;
	} catch {
		return false;
	}

	if (typeof Output !== 'function') return false;
	const sample = new Output({width: 0, height: 0}).caches;
	if (!isCaches(sample)) return false;
	const prototype = Object.getPrototypeOf(sample) as Caches;
	const CachesClass = sample.constructor as new () => Caches;
	const styled = prototype.getStyledChars;
	const width = prototype.getStringWidth;
	let current = new CachesClass();
	let previous = new CachesClass();
	const rotate = () => {
		previous = current;
		current = new CachesClass();
	};

	const full = () => current.styledChars.size >= linesPerGeneration || current.widths.size >= textsPerGeneration;
	prototype.getStyledChars = function (line: string) {
		const chars = current.styledChars.get(line);
		if (chars !== undefined) return chars;
		if (full()) rotate();
		const kept = previous.styledChars.get(line);
		if (kept === undefined) return styled.call(current, line);
		current.styledChars.set(line, kept);
		return kept;
	};

	prototype.getStringWidth = function (text: string) {
		const measured = current.widths.get(text);
		if (measured !== undefined) return measured;
		if (full()) rotate();
		const kept = previous.widths.get(text);
		if (kept === undefined) return width.call(current, text);
		current.widths.set(text, kept);
		return kept;
	};

	installed = true;
	inkLineCacheState = () => ({lines: current.styledChars.size + previous.styledChars.size});
	return true;
}

/** For tests: how many styled lines are kept. */
export let inkLineCacheState = (): {lines: number} => ({lines: 0});
