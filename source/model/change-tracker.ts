import type {Session} from './types.js';

/**
 * A log of the sessions changed since the last take, for a view that re-places only those. It
 * gives up (take() answers undefined: recompute everything) once more than a quarter of the
 * sessions changed, so an idle consumer never holds more than that.
 */
export class ChangeTracker {
	onClose?: () => void;
	private changed: Session[] = [];
	private overflowed = false;

	constructor(private readonly size: () => number) {}

	add(session: Session): void {
		if (this.overflowed) return;
		this.changed.push(session);
		if (this.changed.length > 1000 && this.changed.length > this.size() / 4) {
			this.overflowed = true;
			this.changed = [];
		}
	}

	/** The sessions changed since the last take (a session may appear more than once), or undefined after an overflow. */
	take(): Session[] | undefined {
		const changed = this.overflowed ? undefined : this.changed;
		this.changed = [];
		this.overflowed = false;
		return changed;
	}

	close(): void {
		this.onClose?.();
	}
}
