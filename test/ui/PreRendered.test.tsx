import {PassThrough} from 'node:stream';
import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';
import {Box, render as inkRender, Text} from 'ink';
import {render} from 'ink-testing-library';
import React from 'react';
import {describe, expect, it} from 'vitest';
import {PreRendered} from '../../source/ui/PreRendered.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const styled = (text: string) => `\u001B[1m${text}\u001B[22m`;

describe('PreRendered', () => {
	it('draws the lines as they are, where the block is laid out', () => {
		const lines = [styled('Client ID    User'), 'alice-phone  alice', 'wide 表 ☂ … │ line'];
		const {lastFrame} = render(
			<Box flexDirection="column" width={40}>
				<Text>above</Text>
				<PreRendered lines={lines} width={40} />
				<Text>below</Text>
			</Box>,
		);
		expect(lastFrame()).toBe(['above', ...lines, 'below'].join('\n'));
	});

	it('does not make Ink keep every frame it drew', () => {
		const line = 'x'.repeat(78);
		// Ink's own render into a stream that keeps nothing (the testing library keeps every frame).
		const stdout = Object.assign(new PassThrough(), {columns: 80, rows: 40, isTTY: true});
		stdout.resume();
		const {rerender, unmount} = inkRender(<PreRendered lines={['start']} width={80} />, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			debug: true,
			patchConsole: false,
		});
		const frame = (i: number) => rerender(<PreRendered lines={[String(i), ...Array.from({length: 38}, () => line)]} width={80} />);
		for (let i = 0; i < 200; i++) frame(i);
		gc();
		const before = process.memoryUsage().heapUsed;
		// 3,000 distinct 39-line frames: ~18 MB if Ink kept each one's text.
		for (let i = 200; i < 3200; i++) frame(i);
		gc();
		const grown = process.memoryUsage().heapUsed - before;
		unmount();
		expect(grown).toBeLessThan(6 * 2 ** 20);
	});

	it('gives a screen reader the lines, not the blanks they are laid out with', async () => {
		const stdout = Object.assign(new PassThrough(), {columns: 80, rows: 24, isTTY: false});
		let written = '';
		stdout.on('data', (chunk: Buffer) => (written += chunk.toString()));
		const instance = inkRender(<PreRendered lines={['alice-phone  alice', 'bob-gw  bob']} width={40} />, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			isScreenReaderEnabled: true,
			patchConsole: false,
		});
		await new Promise((resolve) => setTimeout(resolve, 50));
		instance.unmount();
		expect(written).toContain('alice-phone  alice\nbob-gw  bob');
	});
});
