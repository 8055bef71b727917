import {Box, render, Text, type Instance} from 'ink';
import React from 'react';
import {inkRenderOptions} from '../../source/ui/render-options.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';
import {sleep} from './monitor-harness.js';

/** How the floor hands the screen to Ink: one Text holding every line, or one Text per line. */
export type FloorShape = 'block' | 'lines';

function Screen({lines, shape}: {lines: readonly string[]; shape: FloorShape}): React.JSX.Element {
	if (shape === 'block') return <Text>{lines.join('\n')}</Text>;
	return (
		<Box flexDirection="column">
			{lines.map((line, i) => (
				<Text key={i}>{line}</Text>
			))}
		</Box>
	);
}

type Floor = {instance: Instance; shape: FloorShape; done?: () => void; times: number[]};

function mount(shape: FloorShape, first: readonly string[], columns: number, rows: number): Floor {
	const stdout = new FakeStdout(columns, rows);
	const floor: Floor = {shape, times: [], instance: undefined as unknown as Instance};
	floor.instance = render(<Screen lines={first} shape={shape} />, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
		stderr: stdout as unknown as NodeJS.WriteStream,
		...inkRenderOptions,
		debug: false,
		exitOnCtrlC: false,
		patchConsole: false,
		onRender: () => {
			inkRenderOptions.onRender();
			queueMicrotask(() => floor.done?.());
		},
	});
	return floor;
}

/** One frame: the new screen handed to Ink, until the frame is written (onRender plus a microtask, as MonitorHarness times). */
async function frame(floor: Floor, lines: readonly string[]): Promise<void> {
	const started = performance.now();
	const done = new Promise<void>((resolve) => {
		floor.done = resolve;
	});
	floor.instance.rerender(<Screen lines={lines} shape={floor.shape} />);
	await done;
	floor.times.push(performance.now() - started);
}

/**
 * Ink's own cost of a frame, with nothing of the monitor in it: `screens` (frames the monitor
 * composed, styled lines as Ink wrote them) are handed to Ink again, already composed, one after
 * another, by a component that only passes them on. Both shapes run in the same process,
 * interleaved frame by frame, so machine load falls on both alike. Ink gets the monitor's own render
 * options; frames are spaced past its throttle, so each is drawn at once, as a tick's frame is.
 */
export async function inkFloors(
	screens: ReadonlyArray<readonly string[]>,
	frames: number,
	size: {columns: number; rows: number},
): Promise<Record<FloorShape, number[]>> {
	const floors = (['block', 'lines'] as const).map((shape) => mount(shape, screens[0], size.columns, size.rows));
	try {
		for (let i = 1; i <= frames; i++) {
			await sleep(40);
			for (const floor of i % 2 ? floors : [...floors].reverse()) await frame(floor, screens[i % screens.length]);
		}

		return {block: floors[0].times, lines: floors[1].times};
	} finally {
		for (const floor of floors) {
			floor.instance.unmount();
			floor.instance.cleanup();
		}
	}
}
