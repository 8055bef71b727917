import React from 'react';
import {LineView} from './LineView.js';
import type {Command, Scope} from './keymap.js';
import {footerLine} from './model/footer.js';

/** Key hints for the current mode, generated from the keymap. */
export function Footer({
	scope,
	readOnly,
	width,
	hide,
}: {
	scope: Scope;
	readOnly: boolean;
	width: number;
	hide?: readonly Command[];
}): React.JSX.Element {
	return <LineView line={footerLine(scope, readOnly, width, hide)} />;
}
