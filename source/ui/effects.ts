import type {BrokerAdapter} from '../broker/adapter.js';
import {clockTime} from '../broker/link-state.js';
import type {Session} from '../model/types.js';
import {osc52} from './clipboard.js';
import type {KeyContext} from './controller.js';
import {prepareAction} from './model/action-request.js';
import {defaultExportPath, writeExport} from './model/export-file.js';
import type {InFlight} from './model/in-flight.js';
import {performRequest, recordRefused, type AuditSink} from './model/perform-action.js';
import {rowKey} from './model/row-key.js';
import type {Snapshot} from './model/snapshot.js';

export type EffectOptions = {
	adapter: BrokerAdapter;
	audit: AuditSink;
	/** Names the broker in exports and the audit log. */
	broker: string;
	writeRaw: (data: string) => void;
	/** Actions still running: quitting waits for them. */
	inFlight: InFlight;
	clock: () => number;
	cwd?: string;
};

type Effects = Pick<KeyContext, 'copy' | 'targets' | 'prepare' | 'perform' | 'refused' | 'exportTo' | 'defaultExportPath'>;

/** What key presses may do outside the view: the broker, the audit log, files, the clipboard. */
export function monitorEffects(options: EffectOptions, snapshot: Snapshot): Effects {
	const {adapter} = options;
	return {
		copy: (text) => options.writeRaw(osc52(text)),
		targets(keys) {
			// Marked rows, looked up live: the plan must describe the broker as it is now.
			const found: Session[] = [];
			for (const key of keys) {
				// Only account-only rows (keyed by username) are not in the store's session map.
				const live = key.startsWith('client:')
					? adapter.store.get(key.slice('client:'.length))
					: adapter.store.accountRows().find((s) => rowKey(s) === key);
				const row = live ?? snapshot.rows[snapshot.indexOf(key)];
				if (row) found.push(row);
			}

			return found;
		},
		prepare(kind, targets) {
			// Refused before any dialog: a plan drawn from stale rows could name the wrong sessions.
			const link = adapter.connection();
			if (link.state !== 'connected') {
				const since = link.lostAt === undefined ? '' : ` since ${clockTime(link.lostAt)}`;
				const why = link.state === 'resyncing' ? `still resyncing after the link was lost${since}` : `disconnected${since}`;
				return {ok: false, message: `cannot ${kind}: not connected to the broker (${why}); nothing was sent`};
			}

			return prepareAction(kind, targets, adapter.store, adapter.actions);
		},
		perform: (request) => options.inFlight.track(performRequest(request, adapter, options.audit, options.broker)),
		refused: (kind, target, why) => recordRefused(options.audit, kind, target, options.broker, why),
		async exportTo(file) {
			const rows = snapshot.rows;
			return {file: await writeExport(file, rows, options.broker, options.cwd), count: rows.length};
		},
		defaultExportPath: () => defaultExportPath(options.clock()),
	};
}
