import type {MonitoredNode} from '../broker/driver.js';
import {clockTime} from '../broker/link-state.js';
import type {Session} from '../model/types.js';
import {osc52} from './clipboard.js';
import type {KeyContext} from './controller.js';
import {prepareAction} from './model/action-request.js';
import {defaultExportPath, writeExport} from './model/export-file.js';
import type {InFlight} from './model/in-flight.js';
import {performRequest, recordRefused, type AuditSink} from './model/perform-action.js';
import {parseRowKey, rowKey} from './model/row-key.js';
import type {Snapshot} from './model/snapshot.js';

export type EffectOptions = {
	nodes: readonly MonitoredNode[];
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
	const {nodes} = options;
	const byName = new Map(nodes.map(({node, store}) => [node.name, {admin: node.admin, store, url: node.url, link: node}]));
	const lookup = (name: string) => byName.get(name);
	return {
		copy: (text) => options.writeRaw(osc52(text)),
		targets(keys) {
			// Marked rows, looked up live: the plan must describe the broker as it is now.
			const found: Session[] = [];
			for (const key of keys) {
				// Only account-only rows (keyed by username) are not in the store's session map.
				const parsed = parseRowKey(key);
				const store = parsed === undefined ? undefined : byName.get(parsed.node)?.store;
				const live =
					parsed === undefined || store === undefined
						? undefined
						: parsed.account
							? store.accountRows().find((s) => rowKey(s) === key)
							: store.get(parsed.id);
				const row = live ?? snapshot.rows.at(snapshot.indexOf(key));
				if (row) found.push(row);
			}

			return found;
		},
		prepare(kind, targets) {
			// Refused before any dialog: a plan drawn from stale rows could name the wrong sessions.
			for (const name of new Set(targets.map((t) => t.node))) {
				const link = byName.get(name)?.link.connection();
				if (link === undefined || link.state === 'connected') continue;
				const since = link.lostAt === undefined ? '' : ` since ${clockTime(link.lostAt)}`;
				const why = link.state === 'resyncing' ? `still resyncing after the link was lost${since}` : `disconnected${since}`;
				const which = nodes.length > 1 ? `node ${name}` : 'the broker';
				return {ok: false, message: `cannot ${kind}: not connected to ${which} (${why}); nothing was sent`};
			}

			return prepareAction(kind, targets, lookup, {showNodes: nodes.length > 1});
		},
		perform: (request) => options.inFlight.track(performRequest(request, lookup, options.audit)),
		refused(kind, target, why, names) {
			// The brokers the refused action was about, not the first one monitored.
			const urls = names.map((name) => byName.get(name)?.url).filter((url) => url !== undefined);
			return recordRefused(options.audit, kind, target, urls.length > 0 ? urls.join(', ') : options.broker, why);
		},
		async exportTo(file) {
			// A copy: the file is written over several ticks, and the snapshot is the view's.
			const rows = [...snapshot.rows];
			// Each row names its own broker: in a fleet the rows come from several.
			const brokerOf = (session: Session) => byName.get(session.node)?.url ?? options.broker;
			return {file: await writeExport(file, rows, brokerOf, options.cwd), count: rows.length};
		},
		defaultExportPath: () => defaultExportPath(options.clock()),
	};
}
