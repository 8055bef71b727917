import React from 'react';
import {LinesView} from './LineView.js';
import type {Line} from './model/line.js';

/** The header's lines come from headerLines(), which the App also uses to size the table. */
export function Header({lines}: {lines: Line[]}): React.JSX.Element {
	return <LinesView lines={lines} />;
}
