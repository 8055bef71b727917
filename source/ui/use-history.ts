import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {FleetView} from '../fleet/fleet-view.js';
import type {HistorySource} from '../history/history-source.js';
import {formatMoment} from '../history/time-spec.js';
import type {Change, Gap} from '../history/timeline.js';
import type {SessionStore} from '../model/session-store.js';
import type {HistoryHeader} from './model/history-line.js';

/** `[` and `]` move by this much. */
export const historyStepMs = 60_000;
/** Connects and leaves this close to the moment are marked and sorted first. */
export const changeWindowMs = 60_000;

export type HistoryView = {
	/** The moment shown; undefined while live. */
	moment?: number;
	/** The sessions as they were then (undefined while live or while the first reading runs). */
	view?: FleetView;
	header?: HistoryHeader;
	/** Whether a row connected or left near the moment. */
	changed(node: string, clientId: string): boolean;
	/** A one-off message for the status line (clamped to the log's start, back to live …). */
	notice?: string;
	freeze(time: number): void;
	step(by: number): void;
	live(): void;
};

type Built = {moment: number; view?: FleetView; gaps: Gap[]; changes: Map<string, Change>; begins?: number; error?: string};

const changeKey = (node: string, clientId: string) => `${node}\u0000${clientId}`;

/**
 * The monitor's view of the past: a moment, the stores rebuilt at it from each node's history,
 * and the keys' moves. The live stores go on being fed meanwhile; going live shows them as now.
 */
export function useHistory(sources: readonly HistorySource[] | undefined, clock: () => number, initial?: number): HistoryView {
	const [moment, setMomentState] = useState<number | undefined>(initial);
	// Key presses read the moment they act on here: two presses within one frame both count.
	const momentRef = useRef(initial);
	const setMoment = useCallback((time: number | undefined) => {
		momentRef.current = time;
		setMomentState(time);
	}, []);
	const [built, setBuilt] = useState<Built | undefined>(undefined);
	const [notice, setNotice] = useState<string | undefined>(undefined);
	const sequence = useRef(0);
	const begins = useRef<number | undefined>(undefined);

	useEffect(() => {
		if (moment === undefined || !sources || sources.length === 0) return;
		const mine = ++sequence.current;
		void (async () => {
			const stores: SessionStore[] = [];
			const gaps: Gap[] = [];
			const changes = new Map<string, Change>();
			let earliest: number | undefined;
			try {
				for (const source of sources) {
					const timeline = await source.timeline(moment);
					earliest = earliest === undefined ? timeline.begins : Math.min(earliest, timeline.begins);
					const store = timeline.at(moment, source.node.name);
					for (const [clientId, change] of timeline.changesAround(moment, changeWindowMs)) {
						changes.set(changeKey(source.node.name, clientId), change);
						const session = store.get(clientId);
						if (session) session.changedAt = change.time;
					}

					gaps.push(...timeline.gapsAround(moment, changeWindowMs));
					stores.push(store);
				}
			} catch (error) {
				if (mine === sequence.current) setBuilt({moment, gaps: [], changes, error: `cannot read the history: ${(error as Error).message}`});
				return;
			}

			if (mine !== sequence.current) return;
			begins.current = earliest;
			setBuilt({moment, view: new FleetView(stores), gaps, changes, begins: earliest});
		})();
	}, [moment, sources]);

	const freeze = useCallback(
		(time: number) => {
			if (!sources || sources.length === 0) {
				setNotice('no history here: the broker has no log file to read');
				return;
			}

			setNotice(undefined);
			setMoment(time);
		},
		[sources, setMoment],
	);

	const step = useCallback(
		(by: number) => {
			const current = momentRef.current;
			if (current === undefined) return;
			const target = current + by;
			if (target > clock()) {
				setNotice('back to live: that minute has not happened yet');
				setBuilt(undefined);
				setMoment(undefined);
				return;
			}

			const start = begins.current;
			if (start !== undefined && target < start) {
				setNotice(`the log begins at ${formatMoment(start)}: nothing older to show`);
				setMoment(start);
				return;
			}

			setNotice(undefined);
			setMoment(target);
		},
		[clock, setMoment],
	);

	const live = useCallback(() => {
		setNotice(undefined);
		setBuilt(undefined);
		setMoment(undefined);
	}, [setMoment]);

	// Before the log begins, the moment is moved to where it does, once it is known.
	useEffect(() => {
		if (built?.begins !== undefined && moment !== undefined && moment < built.begins) {
			setNotice(`${formatMoment(moment)} is before the log: it begins at ${formatMoment(built.begins)}`);
			setMoment(built.begins);
		}
	}, [built, moment, setMoment]);

	const current = built && built.moment === moment ? built : undefined;
	const header = useMemo<HistoryHeader | undefined>(() => {
		if (moment === undefined) return undefined;
		let connected = 0;
		let left = 0;
		for (const change of current?.changes.values() ?? []) {
			if (change.kind === 'connected') connected++;
			else left++;
		}

		return {
			moment,
			loading: current === undefined,
			recorded: sources?.every((s) => s.node.logPath === undefined) ?? false,
			begins: current?.begins ?? built?.begins,
			gaps: current?.gaps ?? [],
			connected,
			left,
			error: built?.error,
		};
	}, [moment, current, built, sources]);

	const changes = current?.changes;
	const changed = useCallback((node: string, clientId: string) => changes?.has(changeKey(node, clientId)) ?? false, [changes]);
	return {
		moment,
		// While the next moment is read, the previous one stays on screen (the header says it is loading).
		view: moment === undefined ? undefined : (current?.view ?? built?.view),
		header,
		changed,
		notice,
		freeze,
		step,
		live,
	};
}
