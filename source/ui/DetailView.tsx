import React from 'react';
import {LinesView} from './LineView.js';
import type {Line} from './model/line.js';

/** The selected client's detail (lines from detailLines()), scrolled to `scroll`. */
export function DetailView({lines, scroll, height}: {lines: Line[]; scroll: number; height: number}): React.JSX.Element {
	return <LinesView lines={lines} top={scroll} height={height} />;
}
