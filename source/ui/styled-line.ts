import chalk, {type ChalkInstance} from 'chalk';
import type {Line, Segment} from './model/line.js';

function styled(segment: Segment): string {
	let style: ChalkInstance = chalk;
	if (segment.color) {
		const named = (chalk as unknown as Record<string, ChalkInstance | undefined>)[segment.color];
		style = typeof named === 'function' ? named : chalk.hex(segment.color);
	}

	if (segment.bold) style = style.bold;
	if (segment.dim) style = style.dim;
	if (segment.inverse) style = style.inverse;
	if (segment.underline) style = style.underline;
	return style === chalk ? segment.text : style(segment.text);
}

/**
 * One line of styled segments as a terminal string (with chalk, as Ink's own Text styles), and
 * `inverse` over the whole line as Ink's `<Text inverse>` would wrap it.
 */
export function styledLine(line: Line, inverse = false): string {
	let text = '';
	for (const segment of line) text += styled(segment);
	return inverse ? chalk.inverse(text) : text;
}
