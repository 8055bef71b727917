import type {Session} from './types.js';

/**
 * Whether the broker keeps a session after its client disconnects. For MQTT 3.1 and 3.1.1 the
 * connect line's `c` flag says it (c0 persistent, c1 clean). For MQTT 5 the flag is Clean *Start*
 * (whether an old session is resumed); what survives a disconnect is decided by the Session
 * Expiry Interval, which Mosquitto 2.0 does not log: a c0 client with no expiry is discarded, a
 * c1 client with an hour's expiry is kept. So for MQTT 5 it is unknown, and unknown must be
 * treated as persistent wherever a guess could destroy something.
 */
export type Persistence = 'persistent' | 'clean' | 'unknown';

export function persistence(session: Pick<Session, 'protocol' | 'cleanSession'>): Persistence {
	if (session.cleanSession === undefined || session.protocol === undefined || session.protocol === '5.0') return 'unknown';
	return session.cleanSession ? 'clean' : 'persistent';
}

/** How dialogs and listings name it. */
export function persistenceLabel(session: Pick<Session, 'protocol' | 'cleanSession'>): string {
	const kept = persistence(session);
	return kept === 'unknown' ? 'may persist' : kept;
}

/**
 * Whether a session stays listed (offline) once its connection ends: when it is persistent, or
 * may be (MQTT 5). One never seen connecting is let go as before: nothing at all is known of it,
 * and listing every such session until the broker restarts would bury the table.
 */
export function listedWhenOffline(session: Pick<Session, 'protocol' | 'cleanSession'>): boolean {
	return session.cleanSession !== undefined && persistence(session) !== 'clean';
}
