// A SessionSink that records what a polled driver hands it (pages, completeness, times) and keeps
// the latest complete snapshot, so driver tests assert the contract itself. With `mirror`, it also
// plays the round's outcome into a SessionStore as connect/disconnect events, so that plans (which
// read the store) see the listed sessions.
import type {SessionSink, SessionSnapshot} from '../../source/broker/driver.js';
import type {SessionStore} from '../../source/model/session-store.js';
import type {SessionEvent} from '../../source/model/types.js';

export type ReconcileCall = {page: SessionSnapshot[]; complete: boolean; time: number};

export class RecordingSink implements SessionSink {
	readonly calls: ReconcileCall[] = [];
	readonly events: SessionEvent[] = [];
	/** The sessions of the last completed round, by client ID. */
	listed = new Map<string, SessionSnapshot>();
	rounds = 0;
	private pending: SessionSnapshot[] = [];

	constructor(private readonly mirror?: SessionStore) {}

	apply(event: SessionEvent): void {
		this.events.push(event);
		this.mirror?.apply(event);
	}

	reconcile(page: readonly SessionSnapshot[], complete: boolean, time: number): void {
		this.calls.push({page: [...page], complete, time});
		this.pending.push(...page);
		if (!complete) return;
		const next = new Map(this.pending.map((s) => [s.clientId, s]));
		this.pending = [];
		if (this.mirror) this.play(next, time);
		this.listed = next;
		this.rounds++;
	}

	/** Rounds reconciled but never completed, counted by their first page. */
	get incompletePages(): number {
		return this.pending.length;
	}

	private play(next: Map<string, SessionSnapshot>, time: number): void {
		const store = this.mirror!;
		for (const s of next.values()) {
			const known = store.get(s.clientId);
			if (s.online && (known?.status !== 'online' || known.connectedAt !== s.connectedAt)) {
				store.apply({
					type: 'connect',
					time: s.connectedAt ?? time,
					clientId: s.clientId,
					address: s.address ?? '',
					port: s.port ?? 0,
					protocol: s.protocol ?? '3.1.1',
					cleanSession: s.cleanSession ?? true,
					keepAlive: s.keepAlive ?? 0,
					username: s.username,
				});
			}
		}

		for (const session of [...store.sessions.values()]) {
			if (session.status === 'online' && !next.get(session.clientId)?.online) {
				store.apply({type: 'disconnect', time, clientId: session.clientId, kind: 'administrative', reason: 'not listed'});
			}
		}
	}
}
