/**
 * The actions still running. Quitting waits for them, so that every attempt that went out also
 * has its outcome in the audit log.
 */
export class InFlight {
	private readonly running = new Set<Promise<unknown>>();

	track<T>(work: Promise<T>): Promise<T> {
		this.running.add(work);
		const done = () => this.running.delete(work);
		work.then(done, done);
		return work;
	}

	get busy(): boolean {
		return this.running.size > 0;
	}

	/** Resolves once every action running now has finished, however it ended. */
	async settled(): Promise<void> {
		await Promise.allSettled([...this.running]);
	}
}
