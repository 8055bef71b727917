import {Transform} from 'ink';
import React from 'react';

/** One blank block per size: Ink measures each once. */
const blanks = new Map<string, string>();

function blankBlock(width: number, height: number): string {
	const size = `${width}x${height}`;
	let blank = blanks.get(size);
	if (blank === undefined) {
		// Terminal sizes are few; a size the terminal never returns to is cheap to keep.
		if (blanks.size > 64) blanks.clear();
		blank = Array.from({length: height}, () => ' '.repeat(width)).join('\n');
		blanks.set(size, blank);
	}

	return blank;
}

/**
 * Lines already styled and cut to at most `width` cells, drawn as they are. Ink lays a text out
 * by measuring it and keeps every text it ever measured (a Map in its measure-text.js that Ink
 * never empties; the bundle bounds it, see rolldown.config.js): a table redrawn every second left
 * ~6 KB behind per frame, some 20 MB an hour of a monitor left open through an incident. Here Ink lays out a blank block of the same size
 * (the same few blanks every frame, measured once) and the lines take the blanks' places as Ink
 * writes them out (Transform), so Ink also no longer measures the styled lines each frame. A
 * screen reader is given the lines themselves.
 */
export function PreRendered({lines, width}: {lines: readonly string[]; width: number}): React.JSX.Element | undefined {
	if (lines.length === 0 || width <= 0) return undefined;
	return (
		<Transform transform={(_, index) => lines[index] ?? ''} accessibilityLabel={lines.join('\n')}>
			{blankBlock(width, lines.length)}
		</Transform>
	);
}
