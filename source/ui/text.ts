// Terminal cell widths. Untrusted strings reach here already cleaned of control characters, but
// they may still hold wide (CJK, emoji) or zero-width (combining) characters, and a column that
// counts UTF-16 units instead of cells would push every column after it out of line.

import stringWidth from 'string-width';

// The same width library Ink measures with, so a row this module pads to N cells is N cells to Ink
// too (a hand-kept table drifted from it on emoji such as 🫠 and ⭐).
const printableAscii = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter();

/** Texts measured by the library, and their widths: two generations, the older dropped when the newer fills. */
let measured = new Map<string, number>();
let measuredBefore = new Map<string, number>();
const generationSize = 2000;
/** Longer texts are measured each time: they rarely repeat, and would make the cache heavy. */
const longestMeasured = 256;

/**
 * string-width takes ~9 µs for a short non-ASCII text (a grapheme walk and an emoji pattern per
 * grapheme), and every frame measures the same few again on each row: status marks, separators,
 * sparklines. Kept by text, the width is the library's all the same.
 */
function libraryWidth(text: string): number {
	let width = measured.get(text);
	if (width !== undefined) return width;
	width = measuredBefore.get(text) ?? stringWidth(text);
	if (text.length > longestMeasured) return width;
	if (measured.size >= generationSize) {
		measuredBefore = measured;
		measured = new Map();
	}

	measured.set(text, width);
	return width;
}

/** How many terminal cells `text` occupies. */
export function displayWidth(text: string): number {
	// Nearly every client ID and topic is ASCII: skip the grapheme walk for them.
	return printableAscii.test(text) ? text.length : libraryWidth(text);
}

/** Cuts `text` to at most `width` cells, ending with … when something was cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (displayWidth(text) <= width) return text;
	let out = '';
	let used = 0;
	// Cut between graphemes: a flag or a ZWJ emoji split in half would change width on screen.
	for (const {segment} of graphemes.segment(text)) {
		const w = displayWidth(segment);
		if (used + w > width - 1) break;
		out += segment;
		used += w;
	}

	return out + '…';
}

/** At most `width` cells, keeping both ends: `127.0.0.1:18831` → `127.0…18831`. */
export function truncateMiddle(text: string, width: number): string {
	if (width <= 0) return '';
	if (displayWidth(text) <= width) return text;
	const parts = [...graphemes.segment(text)].map(({segment}) => segment);
	const room = width - 1;
	let head = '';
	let tail = '';
	let used = 0;
	for (let i = 0, j = parts.length - 1; i <= j;) {
		// Alternate ends, the tail first: the end of a name is what tells nodes of one host apart.
		const fromTail = displayWidth(tail) <= displayWidth(head);
		const segment = fromTail ? parts[j] : parts[i];
		const w = displayWidth(segment);
		if (used + w > room) break;
		used += w;
		if (fromTail) {
			tail = segment + tail;
			j--;
		} else {
			head += segment;
			i++;
		}
	}

	return `${head}…${tail}`;
}

/** Exactly `width` cells: truncated, then padded on the right (or left for numbers). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - displayWidth(cut)));
	return align === 'left' ? cut + pad : pad + cut;
}

/** Splits text into lines of at most `width` cells, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
	if (width <= 0) return [text];
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		const candidate = line === '' ? word : `${line} ${word}`;
		if (displayWidth(candidate) <= width) {
			line = candidate;
			continue;
		}

		if (line !== '') lines.push(line);
		line = word;
		while (displayWidth(line) > width) {
			const head = truncate(line, width + 1).slice(0, -1) || [...line][0];
			lines.push(head);
			line = line.slice(head.length);
		}
	}

	if (line !== '' || lines.length === 0) lines.push(line);
	return lines;
}
