import {displayWidth, truncate, wrap} from '../text.js';

/** A run of text with one style. Views are built as lines of segments by pure functions. */
export type Segment = {text: string; color?: string; bold?: boolean; dim?: boolean; inverse?: boolean; underline?: boolean};
export type Line = Segment[];

export function lineText(line: Line): string {
	return line.map((s) => s.text).join('');
}

/** Cuts a line to `width` cells, ending with … where it was cut. */
export function clip(line: Line, width: number): Line {
	const out: Line = [];
	let used = 0;
	for (const segment of line) {
		const w = displayWidth(segment.text);
		if (used + w <= width) {
			out.push(segment);
			used += w;
			continue;
		}

		out.push({...segment, text: truncate(segment.text, width - used)});
		break;
	}

	return out;
}

/** Joins segment groups with a separator, keeping only the groups that fit in `width` cells. */
export function joinFitting(parts: Line[], width: number, separator = ' · '): Line {
	const out: Line = [];
	let used = 0;
	for (const part of parts) {
		const w = displayWidth(lineText(part)) + (out.length > 0 ? separator.length : 0);
		if (used + w > width && out.length > 0) break;
		if (out.length > 0) out.push({text: separator, dim: true});
		out.push(...part);
		used += w;
	}

	return clip(out, width);
}

/** One long styled text as several lines of at most `width` cells. */
export function wrapped(text: string, width: number, style: Omit<Segment, 'text'> = {}, indent = ''): Line[] {
	return wrap(text, Math.max(1, width - indent.length)).map((part, i) => [{text: (i === 0 ? '' : indent) + part, ...style}]);
}
