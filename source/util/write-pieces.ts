import type {Writable} from 'node:stream';

/** How much text is gathered before a write: big enough that a million records are a few hundred writes. */
const batchChars = 64 * 1024;

/**
 * Writes the pieces to `out` as they are made, waiting for 'drain' whenever the stream's buffer
 * is full, so the output never piles up in memory however large it is. Resolves `true` once all
 * is written, `false` when the reader went away first (a closed pipe, as `| head -1` leaves):
 * that is the reader's choice, not an error, so nothing is thrown and nothing more is made.
 */
export async function writePieces(out: Writable, pieces: Iterable<string>): Promise<boolean> {
	let closed = false;
	let wake: (() => void) | undefined;
	const onError = () => {
		closed = true;
		wake?.();
	};

	const onDrain = () => wake?.();
	// A listener of our own: without one, EPIPE on stdout is an uncaught exception with a stack trace.
	out.on('error', onError);
	out.on('drain', onDrain);
	try {
		let batch = '';
		for (const piece of pieces) {
			if (closed) return false;
			batch += piece;
			if (batch.length < batchChars) continue;
			const more = out.write(batch);
			batch = '';
			if (!more && !closed) await new Promise<void>((resolve) => (wake = resolve));
			wake = undefined;
		}

		if (closed) return false;
		if (batch) out.write(batch);
		// Wait until the last write is handed over (or fails), so the caller's exit loses nothing.
		await new Promise<void>((resolve) => {
			wake = resolve;
			out.write('', () => resolve());
		});
		return !closed;
	} finally {
		out.off('drain', onDrain);
		// Keep swallowing a late EPIPE from writes still in flight.
		if (!closed) out.off('error', onError);
	}
}
