// Terminal cell widths. Untrusted strings reach here already cleaned of control characters, but
// they may still hold wide (CJK, emoji) or zero-width (combining) characters, and a column that
// counts UTF-16 units instead of cells would push every column after it out of line.

const zeroWidth = /^[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]$/u;
const wide =
	/^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u;

function charWidth(char: string): number {
	const code = char.codePointAt(0)!;
	if (code < 0x300) return 1; // the common case: ASCII and Latin-1, no regex needed
	if (zeroWidth.test(char)) return 0;
	return wide.test(char) ? 2 : 1;
}

/** How many terminal cells `text` occupies. */
export function displayWidth(text: string): number {
	let width = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x300) {
			width++;
			continue;
		}

		for (const char of text.slice(i)) width += charWidth(char);
		return width;
	}

	return width;
}

/** Cuts `text` to at most `width` cells, ending with … when something was cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (displayWidth(text) <= width) return text;
	let out = '';
	let used = 0;
	for (const char of text) {
		const w = charWidth(char);
		if (used + w > width - 1) break;
		out += char;
		used += w;
	}

	return out + '…';
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
