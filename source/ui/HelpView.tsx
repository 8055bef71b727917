import React from 'react';
import {LinesView} from './LineView.js';
import type {Line} from './model/line.js';

/** The help (lines from helpLines(), generated from the keymap), scrolled to `scroll`. */
export function HelpView({lines, scroll, height}: {lines: Line[]; scroll: number; height: number}): React.JSX.Element {
	return <LinesView lines={lines} top={scroll} height={height} />;
}
