import {footerHints, type Command, type Scope} from '../keymap.js';
import {theme} from '../theme.js';
import {joinFitting, type Line} from './line.js';

/** The key hints for the current mode, generated from the keymap, fitted to one line. */
export function footerLine(scope: Scope, readOnly: boolean, width: number, hide: readonly Command[] = []): Line {
	const parts: Line[] = [];
	if (readOnly) parts.push([{text: ' READ-ONLY ', inverse: true, bold: true, color: theme.warning}]);
	for (const hint of footerHints(scope, readOnly, hide)) parts.push([{text: hint.keys, bold: true, color: theme.accent}, {text: ` ${hint.label}`}]);
	return joinFitting(parts, width, '  ');
}
