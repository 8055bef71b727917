import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {inkLineCacheState, installInkLineCache, linesPerGeneration} from '../../source/ui/ink-line-cache.js';

// Ink draws the monitor through its own frame composer; the cache is installed on the one Ink
// uses, and must never change a frame: only how often Ink works a line out.

function frameOf(node: React.ReactElement): string {
	const {lastFrame, unmount} = render(node);
	const frame = lastFrame() ?? '';
	unmount();
	return frame;
}

describe('Ink line cache', () => {
	it('is installed on the composer Ink draws with, and keeps lines across frames', async () => {
		expect(await installInkLineCache()).toBe(true);
		const line = `kept across frames ${Math.random()}`;
		const before = inkLineCacheState().lines;
		frameOf(<Text>{line}</Text>);
		// Ink's own cache lives for one frame; this one holds the line after the frame is gone.
		expect(inkLineCacheState().lines).toBeGreaterThan(before);
		expect(frameOf(<Text>{line}</Text>)).toBe(line);
	});

	it('draws the frame Ink draws: a styled line is never served for the same text in another style', async () => {
		await installInkLineCache();
		// Styles written into the text itself: chalk draws no colour where the tests run.
		const red = '\u001B[31msame text\u001B[39m';
		const green = '\u001B[32msame text\u001B[39m';
		expect(frameOf(<Text>{red}</Text>)).toBe(red);
		expect(frameOf(<Text>{green}</Text>)).toBe(green);
		expect(frameOf(<Text>{red}</Text>)).toBe(red);
		expect(frameOf(<Text>{`${red} and more`}</Text>)).toBe(`${red} and more`);
		expect(frameOf(<Text>{'wide 表 and ☂ '.repeat(3)}</Text>)).toBe('wide 表 and ☂ '.repeat(3).trimEnd());
	});

	it('stays bounded, and a line seen long ago is drawn right again', async () => {
		await installInkLineCache();
		const bold = (text: string) => `\u001B[1m${text}\u001B[22m`;
		const first = frameOf(<Text>{bold('line 0')}</Text>);
		expect(first).toBe(bold('line 0'));
		for (let i = 1; i < linesPerGeneration * 3; i++) expect(frameOf(<Text>{bold(`line ${i}`)}</Text>)).toBe(bold(`line ${i}`));
		expect(inkLineCacheState().lines).toBeLessThanOrEqual(linesPerGeneration * 2);
		expect(frameOf(<Text>{bold('line 0')}</Text>)).toBe(first);
	});
});
