import {footerHints, type Command, type Scope} from '../keymap.js';
import {theme} from '../theme.js';
import {displayWidth} from '../text.js';
import {joinFitting, lineText, type Line} from './line.js';

/** The key hints for the current mode, generated from the keymap, fitted to one line. */
export function footerLine(scope: Scope, readOnly: boolean, width: number, hide: readonly Command[] = []): Line {
	const parts: Line[] = [];
	const essential: Line[] = [];
	if (readOnly) essential.push([{text: ' READ-ONLY ', inverse: true, bold: true, color: theme.warning}]);
	for (const hint of footerHints(scope, readOnly, hide)) {
		(hint.essential ? essential : parts).push([{text: hint.keys, bold: true, color: theme.accent}, {text: ` ${hint.label}`}]);
	}

	// The essential hints are placed first in the budget, then shown last: in a narrow terminal
	// the optional ones drop out, never "? help" or "q quit".
	const tail = joinFitting(essential, width, '  ');
	const room = width - displayWidth(lineText(tail)) - 2;
	const head = room > 0 ? joinFitting(parts, room, '  ') : [];
	return head.length > 0 ? [...head, {text: '  ', dim: true}, ...tail] : tail;
}
