import {render} from 'ink-testing-library';
import React from 'react';
import type {MonitoredNode} from '../../../source/broker/driver.js';
import type {Config} from '../../../source/config.js';
import type {HistorySource} from '../../../source/history/history-source.js';
import {App} from '../../../source/ui/App.js';
import type {AuditRecord, AuditSink} from '../../../source/ui/model/perform-action.js';

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

export function wait(ms = 60): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export type Harness = ReturnType<typeof render> & {
	audit: AuditRecord[];
	raw: string[];
	/** Writes keys one at a time, as a person types them, letting the app redraw after each. */
	press(...sequence: string[]): Promise<void>;
	frame(): string;
	/** Lines of the last frame. */
	lines(): string[];
};

export function renderApp(
	/** One node, or several (a fleet: the Node column, node lines in the header). */
	adapter: MonitoredNode | readonly MonitoredNode[],
	options: {
		config?: Partial<Pick<Config, 'refresh' | 'filter' | 'readOnly' | 'clientId'>>;
		columns?: number;
		rows?: number;
		clock?: () => number;
		cwd?: string;
		auditReady?: () => Promise<void>;
		history?: readonly HistorySource[];
		at?: number;
	} = {},
): Harness {
	const audit: AuditRecord[] = [];
	const raw: string[] = [];
	const sink: AuditSink = {ready: options.auditReady ?? (async () => {}), append: async (record) => void audit.push(record)};
	const config = {refresh: 60, filter: '', readOnly: false, clientId: 'mqtt-top-test', ...options.config};
	const instance = render(
		<App
			nodes={'store' in adapter ? [adapter] : adapter}
			config={config}
			audit={sink}
			writeRaw={(data) => raw.push(data)}
			clock={options.clock}
			size={{columns: options.columns ?? 100, rows: options.rows ?? 30}}
			cwd={options.cwd}
			history={options.history}
			at={options.at}
		/>,
	);
	const frame = () => instance.lastFrame() ?? '';
	return {
		...instance,
		audit,
		raw,
		frame,
		lines: () => frame().split('\n'),
		async press(...sequence) {
			for (const data of sequence) {
				instance.stdin.write(data);
				// An escape alone waits for Ink to decide it is not the start of a sequence.
				await wait(data === keys.escape ? 120 : 40);
			}
		},
	};
}
