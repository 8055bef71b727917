import type {Session} from '../../model/types.js';

/**
 * The table's rows as the view reads them: a plain array, or chunks shared between ticks
 * (ChunkedRows). Only what a screen needs: a count, a row by index, a window, every row in order.
 */
export type Rows = {
	readonly length: number;
	at(index: number): Session | undefined;
	slice(start?: number, end?: number): Session[];
	[Symbol.iterator](): Iterator<Session>;
};

/**
 * Rows held as the chunks a PlacedRows keeps. A tick that changes a few rows among a million
 * copies only the chunks they are in and the list of chunks, not a million-entry array (which
 * on a large heap costs more than the rest of the frame). Never changed once made.
 */
export class ChunkedRows implements Rows {
	constructor(
		private readonly chunks: ReadonlyArray<readonly Session[]>,
		/** The index of each chunk's first row. */
		private readonly starts: readonly number[],
		readonly length: number,
	) {}

	/** The chunk that holds row `index` (0 ≤ index < length). */
	private chunkOf(index: number): number {
		const {starts} = this;
		let lo = 0;
		let hi = starts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >>> 1;
			if (starts[mid] <= index) lo = mid;
			else hi = mid - 1;
		}

		return lo;
	}

	at(index: number): Session | undefined {
		const i = index < 0 ? index + this.length : index;
		if (!(i >= 0 && i < this.length)) return undefined;
		const c = this.chunkOf(i);
		return this.chunks[c][i - this.starts[c]];
	}

	slice(start = 0, end = this.length): Session[] {
		const from = Math.max(0, start < 0 ? start + this.length : start);
		const to = Math.min(this.length, end < 0 ? end + this.length : end);
		const out: Session[] = [];
		if (from >= to) return out;
		let c = this.chunkOf(from);
		let i = from - this.starts[c];
		for (let n = from; n < to; n++) {
			if (i === this.chunks[c].length) {
				c++;
				i = 0;
			}

			out.push(this.chunks[c][i++]);
		}

		return out;
	}

	*[Symbol.iterator](): Iterator<Session> {
		for (const chunk of this.chunks) yield* chunk;
	}
}
