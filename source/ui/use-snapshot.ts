import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {SessionView} from '../fleet/session-view.js';
import type {SessionStore} from '../model/session-store.js';
import {parseQuery, type Query} from '../model/query.js';
import type {SortOrder} from '../model/sort.js';
import {useInterval} from './hooks.js';
import {rowKey} from './model/row-key.js';
import {SnapshotSource, type SelfClientId, type Snapshot} from './model/snapshot.js';
import type {RowIndex} from './model/view-state.js';

/** How long a key press may reuse rows computed from an older store revision (see SnapshotSource.take). */
const keyPressStaleMs = 1000;

const everything: Query = {text: '', match: () => true};

export type SnapshotOptions = {
	/** One broker's store, or a FleetView of several nodes' stores. */
	store: SessionStore | SessionView;
	clock: () => number;
	/** The monitor's own client ID, or per node (each node has its own with several). */
	selfClientId?: SelfClientId;
	refreshSeconds: number;
	filter: string;
	sort: SortOrder;
	showInactive: boolean;
	paused: boolean;
};

/**
 * The table's rows, taken from the store once per refresh tick and again when `refresh` is
 * called (after a key press): React state changes per tick, never per broker event.
 */
export function useSnapshot(options: SnapshotOptions): {
	snapshot: Snapshot;
	rows: RowIndex;
	refresh: () => void;
	/**
	 * Prepares the rows `filter` would show (see SnapshotSource.prepare); a filter that does not
	 * parse is left alone, undefined drops what was prepared.
	 */
	prepare: (filter: string | undefined) => void;
} {
	const {store, clock} = options;
	// One source for the store's lifetime: the clock and own ID are fixed for a run.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	const source = useMemo(() => new SnapshotSource(store, clock, options.selfClientId), [store]);
	useEffect(() => () => source.close(), [source]);
	const [ticks, setTicks] = useState(0);
	const [keyPresses, setKeyPresses] = useState(0);
	const byKey = useRef(false);

	useInterval(() => {
		source.tick();
		byKey.current = false;
		setTicks((n) => n + 1);
	}, options.refreshSeconds * 1000);

	// Compiled once per filter change, not per row or per frame.
	const query = useMemo(() => {
		const parsed = parseQuery(options.filter);
		return parsed.ok ? parsed.query : everything;
	}, [options.filter]);
	const {sort, showInactive, paused} = options;
	const snapshot = useMemo(
		() => source.take({query, sort, showInactive, paused}, byKey.current ? keyPressStaleMs : 0),
		// `ticks` and `keyPresses` are the triggers: a new snapshot is taken when either changes.
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[source, query, sort, showInactive, paused, ticks, keyPresses],
	);
	const rows = useMemo<RowIndex>(
		() => ({
			count: snapshot.rows.length,
			keyAt: (i) => {
				const row = snapshot.rows.at(i);
				return row ? rowKey(row) : undefined;
			},
			indexOf: snapshot.indexOf,
		}),
		[snapshot],
	);
	const refresh = useMemo(
		() => () => {
			byKey.current = true;
			setKeyPresses((n) => n + 1);
		},
		[],
	);
	const prepare = useCallback(
		(filter: string | undefined) => {
			if (filter === undefined) {
				source.prepare(undefined);
				return;
			}

			const parsed = parseQuery(filter);
			if (parsed.ok) source.prepare({query: parsed.query, sort, showInactive, paused});
		},
		[source, sort, showInactive, paused],
	);
	return {snapshot, rows, refresh, prepare};
}
