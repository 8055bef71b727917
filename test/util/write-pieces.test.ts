import {Writable} from 'node:stream';
import {expect, test} from 'vitest';
import {writePieces} from '../../source/util/write-pieces.js';

/** A slow reader: takes one write at a time and finishes it only when told to. */
class SlowSink extends Writable {
	readonly written: string[] = [];
	private pending: Array<() => void> = [];

	constructor() {
		super({highWaterMark: 16 * 1024, decodeStrings: false});
	}

	override _write(chunk: string, _encoding: string, done: (error?: Error | null) => void): void {
		this.written.push(String(chunk));
		this.pending.push(() => done());
	}

	/** Lets every write taken so far finish. */
	release(): void {
		const pending = this.pending;
		this.pending = [];
		for (const done of pending) done();
	}
}

test('waits for the reader: no more pieces are made while the stream is full', async () => {
	const sink = new SlowSink();
	let made = 0;
	function* pieces() {
		for (let i = 0; i < 10_000; i++) {
			made++;
			yield `${'x'.repeat(99)}\n`;
		}
	}

	const writing = writePieces(sink, pieces());
	await new Promise((resolve) => setTimeout(resolve, 20));
	// One 64 KB batch went out and filled the stream: the generator stopped right after it.
	expect(made).toBeLessThan(1000);
	expect(made).toBeGreaterThan(0);
	while (made < 10_000 || sink.writableLength > 0) {
		sink.release();
		await new Promise((resolve) => setImmediate(resolve));
	}

	sink.release();
	expect(await writing).toBe(true);
	expect(sink.written.join('')).toBe(`${'x'.repeat(99)}\n`.repeat(10_000));
});

test('a reader that goes away (EPIPE) ends the writing quietly: false, and no more pieces made', async () => {
	let made = 0;
	const sink = new Writable({
		highWaterMark: 1024,
		write(_chunk, _encoding, done) {
			done(Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}));
		},
	});
	function* pieces() {
		for (let i = 0; i < 100_000; i++) {
			made++;
			yield `${'y'.repeat(99)}\n`;
		}
	}

	expect(await writePieces(sink, pieces())).toBe(false);
	expect(made).toBeLessThan(100_000);
});

test('small output is written whole and the promise waits until it is handed over', async () => {
	const sink = new SlowSink();
	const writing = writePieces(sink, ['[', '1', ']', '\n']);
	let finished = false;
	void writing.then(() => (finished = true));
	await new Promise((resolve) => setTimeout(resolve, 10));
	expect(finished).toBe(false);
	sink.release();
	await new Promise((resolve) => setImmediate(resolve));
	sink.release();
	expect(await writing).toBe(true);
	expect(sink.written.join('')).toBe('[1]\n');
});
