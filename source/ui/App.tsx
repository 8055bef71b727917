import {Box, useApp, useInput, type Key} from 'ink';
import React, {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {AlertCenter} from '../alerts/center.js';
import type {MonitoredNode} from '../broker/driver.js';
import {nodeClientId, type Config} from '../config.js';
import {staleSinceByNode, type NodeStatus} from '../fleet/node-status.js';
import {useFleetView} from './use-fleet-view.js';
import {FleetView} from '../fleet/fleet-view.js';
import type {HistorySource} from '../history/history-source.js';
import {SessionStore} from '../model/session-store.js';
import type {SortOrder} from '../model/sort.js';
import {historyLines} from './model/history-line.js';
import {useHistory} from './use-history.js';
import {parseQuery} from '../model/query.js';
import type {Session} from '../model/types.js';
import {Body} from './Body.js';
import {layoutColumns, sortableColumns, sortTitle} from './columns.js';
import {handleInput, scopeOf, type KeyContext} from './controller.js';
import {monitorEffects} from './effects.js';
import {FilterPrompt} from './FilterPrompt.js';
import {Footer} from './Footer.js';
import {Header} from './Header.js';
import {LinesView} from './LineView.js';
import {useConnectionState, useTerminalSize, type Size} from './hooks.js';
import {checkCounts, countMismatch, type CountCheck, type CountInput} from './model/count-check.js';
import {confirmLines} from './model/confirm.js';
import {detailLines} from './model/detail.js';
import {exportFormat} from './model/export-file.js';
import {dialogNeeds, fits, minimumColumns, tooSmallLines} from './model/fit.js';
import {wrapped, type Line} from './model/line.js';
import type {LogFileInfo} from './model/log-file-line.js';
import {actionNotice, headerLines} from './model/header.js';
import {alertBanner, alertLines, type AlertState} from './model/alerts.js';
import {unavailableKeys} from './model/action-availability.js';
import {helpLines} from './model/help.js';
import {queuedView} from './model/queued.js';
import {InFlight} from './model/in-flight.js';
import type {AuditSink} from './model/perform-action.js';
import {cursorIndex, initialViewState, openDetail, reduceView} from './model/view-state.js';
import {windowTop} from './model/viewport.js';
import {StatusLine} from './StatusLine.js';
import {theme} from './theme.js';
import {useSnapshot} from './use-snapshot.js';

/** How long after a key in the filter prompt its rows are prepared: the key's frame is drawn first. */
const prepareAfterMs = 15;
export type AppProps = {
	/** The monitored nodes (at least one), each a driver's node and the store it fills. */
	nodes: readonly MonitoredNode[];
	config: Pick<Config, 'refresh' | 'filter' | 'readOnly' | 'clientId'>;
	/** Shown in the header in place of the broker flavour and version (the demo says which broker it runs). */
	brokerLabel?: string;
	/** The broker's log file, when one is read: its state is shown in the header. */
	logFile?: () => LogFileInfo;
	audit: AuditSink;
	/** Actions still running (runMonitor waits for them before closing the broker). */
	inFlight?: InFlight;
	/** Raw terminal output, for OSC 52 (default: stdout). */
	writeRaw?: (data: string) => void;
	clock?: () => number;
	/** Pins the screen size (tests); by default the terminal's, following resizes. */
	size?: Size;
	/** Where relative export paths go (default: the current directory). */
	cwd?: string;
	/** Each node's past (its log file, or what the monitor records): `t`, `[` and `]`. */
	history?: readonly HistorySource[];
	/** --at: open on this moment instead of live. */
	at?: number;
	/** Alert rules, log and bell (runMonitor's); by default one with no rules, for `w` watches. */
	alerts?: AlertCenter;
};

/** In history the rows that changed near the moment come first, newest change on top. */
const byChangeTime: SortOrder = {column: 'changedAt', descending: true};

/**
 * Composes the views. Owns only view state: the sessions live in the adapter's store, read
 * once per tick (and after a key press) through useSnapshot, never per broker event.
 */
export function App(props: AppProps): React.JSX.Element {
	const {nodes, config} = props;
	// The first node names the broker in single-broker places (URL, flavour, help's log figures).
	const {node, store} = nodes[0];
	const view = useFleetView(nodes);
	const clock = props.clock ?? Date.now;
	const broker = node.url;
	const readOnly = config.readOnly;
	const {exit} = useApp();
	const ownInFlight = useRef<InFlight | undefined>(undefined);
	const inFlight = props.inFlight ?? (ownInFlight.current ??= new InFlight());
	const size = useTerminalSize(props.size);
	const connection = useConnectionState(node);
	const [state, dispatch] = useReducer(reduceView, config.filter, initialViewState);
	const nodeCount = nodes.length;
	const history = useHistory(props.history, clock, props.at);
	const moment = history.moment;
	const inHistory = moment !== undefined;
	// Until the first moment is rebuilt, history shows no rows rather than live ones under a HISTORY banner.
	const nodeNamesKey = nodes.map((n) => n.node.name).join('\n');
	// eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt only when the node names change
	const emptyView = useMemo(() => new FleetView(nodes.map((n) => new SessionStore({node: n.node.name}))), [nodeNamesKey]);
	// The operator's own sort wins once they choose one in history.
	const sortAtFreeze = useRef<SortOrder | undefined>(undefined);
	if (!inHistory) sortAtFreeze.current = undefined;
	else sortAtFreeze.current ??= state.sort;
	const sort = inHistory && state.sort === sortAtFreeze.current ? byChangeTime : state.sort;
	// Without the monitor's (rules, log, bell), one of its own: `w` watches still work.
	const [ownAlerts] = useState(() => (props.alerts ? undefined : new AlertCenter(nodes)));
	const alerts = props.alerts ?? ownAlerts!;
	const [, alertsChanged] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		const center = props.alerts ?? ownAlerts!;
		const unsubscribe = center.onChange(alertsChanged);
		center.start();
		return () => {
			unsubscribe();
			center.stop();
		};
	}, [props.alerts, ownAlerts]);
	const alertState: AlertState = {
		alerts: alerts.alerts,
		total: alerts.total,
		watching: alerts.watchCount,
		rules: alerts.rules,
		logError: alerts.logError,
		logPath: alerts.logPath,
	};
	const {snapshot, rows, refresh, prepare} = useSnapshot({
		store: inHistory ? (history.view ?? emptyView) : view,
		clock: inHistory ? () => moment : clock,
		selfClientId: (name) => nodeClientId(config.clientId, view.nodes.indexOf(name), nodeCount),
		refreshSeconds: config.refresh,
		filter: state.filter,
		sort,
		showInactive: state.showInactive,
		paused: state.paused,
	});
	const cursor = cursorIndex(state, rows);

	// Keep the selection on the same client across snapshots, or on the same place when it left.
	// Done while rendering, not in an effect: React then renders again before committing, so a
	// tick is one commit and one Ink frame, not a second full frame that only moves the cursor.
	if (rows.count > 0 && (state.selectedKey !== rows.keyAt(cursor) || state.cursor !== cursor)) dispatch({type: 'sync', rows});

	// The last column stays empty: a line that fills the width exactly is treated as wrapped by
	// some terminals (tmux among them), which then reflow it into the shell's screen on resize.
	const width = Math.max(20, size.columns - 1);
	// One line short of the screen: a frame as tall as the terminal makes Ink clear it on every update.
	const height = Math.max(8, size.rows - 1);
	const mode = state.mode;
	// Read each render (every tick): a node's link change shows at the next tick at the latest.
	const statuses: NodeStatus[] =
		nodeCount > 1 ? nodes.map((n) => ({name: n.node.name, connection: n.node.connection(), connected: n.store.broker.connected})) : [];
	const nodeNames = view.nodes.join('\n');
	const linkLive = nodeCount > 1 ? statuses.every((n) => n.connection.state === 'connected') : connection.state === 'connected';
	const counts: CountInput = {
		tableOnline: snapshot.stats.knownOnline,
		brokerConnected: snapshot.stats.broker.connected,
		selfSeen: snapshot.stats.selfSeen,
		selfUnseen: snapshot.stats.selfUnseen,
		live: linkLive && !snapshot.paused && !inHistory,
		uptime: snapshot.stats.broker.uptime,
	};
	const countCheck = useRef<CountCheck | undefined>(undefined);
	countCheck.current = checkCounts(countCheck.current, counts, snapshot.now);
	const banner = alertBanner(alertState, width);
	const liveHeader = headerLines(
		{
			url: broker,
			label: props.brokerLabel,
			flavour: node.type,
			stats: snapshot.stats,
			refreshSeconds: config.refresh,
			paused: snapshot.paused,
			history: inHistory,
			filter: state.filter,
			sortLabel: `${sort.column === 'changedAt' ? 'change time' : sortTitle(sort.column)} ${sort.descending ? theme.descending : theme.ascending}`,
			shown: snapshot.rows.length,
			marked: state.marked.size,
			showInactive: state.showInactive,
			connection,
			actions: actionNotice(node.admin.capabilities()),
			readOnly,
			logFile: props.logFile?.(),
			mismatch: countMismatch(countCheck.current, counts, snapshot.now),
			now: clock(),
			nodes: statuses,
		},
		width,
	);
	const historyHeader = history.header ? historyLines(history.header, width) : [];
	// The alert banner sits right under the header and is counted in its height.
	const header = [...historyHeader, ...liveHeader, ...(banner ? [banner] : [])];
	const historyNotice = history.notice;
	useEffect(() => {
		if (historyNotice) dispatch({type: 'status', status: {text: historyNotice, tone: 'info'}});
	}, [historyNotice]);
	// While a filter is typed, its rows are cut once the monitor is idle: Enter then shows them
	// without a pass over every session (100,000 of them take ~25 ms, longer on a busy host).
	const typedFilter = mode.kind === 'filter' ? mode.text : undefined;
	useEffect(() => {
		if (typedFilter === undefined) {
			prepare(undefined);
			return;
		}

		const timer = setTimeout(() => prepare(typedFilter), prepareAfterMs);
		return () => clearTimeout(timer);
	}, [typedFilter, prepare]);
	const promptHeight = mode.kind === 'filter' || mode.kind === 'export' ? 2 : 0;
	const bodyHeight = Math.max(2, height - header.length - promptHeight - 2);
	// Sizes below are the terminal's: one column and one row are always left free (see above).
	const screenNeeds = {columns: minimumColumns + 1, rows: header.length + promptHeight + 2 + 2 + 1};
	const screenTooSmall = !fits(screenNeeds, size);
	const dialog = mode.kind === 'confirm' ? confirmLines(mode.request, mode.stage, width) : undefined;
	const dialogSize = dialog ? dialogNeeds(dialog) : undefined;
	const dialogTooSmall = dialogSize !== undefined && !fits(dialogSize, {columns: width, rows: bodyHeight});
	let tooSmall: Line[] | undefined;
	if (mode.kind === 'confirm' && dialogSize && dialogTooSmall) {
		// Wrapped at the width it needs, the dialog may take fewer lines than it does here.
		const rows = dialogNeeds(confirmLines(mode.request, mode.stage, Math.max(width, dialogSize.columns))).rows;
		tooSmall = tooSmallLines(
			size,
			{columns: dialogSize.columns + 1, rows: rows + header.length + 2 + 1},
			`The ${mode.request.kind} dialog cannot show whom it affects, so y is off: enlarge the terminal, or press any other key to cancel.`,
			width,
		);
	}

	// Capabilities are read each render: a fleet node that comes up adds its queues at the next tick.
	const capabilities = nodes.map((n) => ({name: n.node.name, capabilities: n.node.admin.capabilities()}));
	const queued = queuedView(capabilities);

	// The open client, as the snapshot (or, if it left the view, the store) has it now.
	let detail: {session: Session; gone: boolean} | undefined;
	const opened = openDetail(mode);
	if (opened) {
		const index = snapshot.indexOf(opened.key);
		const own = view.store(opened.session.node);
		const live =
			index >= 0 ? snapshot.rows.at(index) : snapshot.paused || opened.session.accountOnly ? undefined : own?.get(opened.session.clientId);
		detail = {session: live ?? opened.session, gone: live === undefined && !snapshot.paused && !own?.has(opened.session.clientId)};
	}

	// The open client's own node: its store (accounts) and whether its link is live.
	const detailNode = detail ? statuses.find((n) => n.name === detail.session.node) : undefined;
	const detailStale = detailNode
		? detailNode.connection.state === 'connected'
			? undefined
			: (detailNode.connection.lostAt ?? snapshot.now)
		: linkLive
			? undefined
			: (connection.lostAt ?? snapshot.now);

	const lines =
		mode.kind === 'detail' && detail
			? [
					...(alerts.isWatched(detail.session)
						? wrapped('watched: an alert fires when this client goes offline (w stops watching)', width, {color: theme.warning})
						: []),
					...detailLines(
						{
							...detail,
							store: view.store(detail.session.node) ?? store,
							now: snapshot.now,
							staleSince: detailStale,
							showNode: nodes.length > 1,
							queuedCounts: queued.counts.get(detail.session.node),
						},
						width,
					),
				]
			: mode.kind === 'alerts'
				? alertLines(alertState, width)
				: mode.kind === 'help'
					? helpLines(
							readOnly,
							width,
							{
								lines: store.counters.events,
								unknown: store.counters.unknownLines,
								lastUnknown: store.lastUnknownLine,
								version: store.broker.version,
							},
							unavailableKeys(capabilities),
							queued,
						)
					: undefined;
	const scrollMax = lines ? Math.max(0, lines.length - bodyHeight) : 0;

	const traffic = snapshot.stats.traffic;
	const hasQueues = queued.column;
	const layout = useMemo(
		() => layoutColumns(width, {traffic, queued: hasQueues, nodes: nodeNames === '' ? [] : nodeNames.split('\n')}),
		[width, traffic, hasQueues, nodeNames],
	);
	const pageSize = Math.max(1, bodyHeight - 1);
	const topRef = useRef(0);
	const top = windowTop(topRef.current, cursor, pageSize, snapshot.rows.length);
	topRef.current = top;

	const context: KeyContext = {
		state,
		dispatch,
		rows,
		sessions: snapshot.rows,
		sortColumns: sortableColumns(layout),
		pageSize: lines ? bodyHeight : pageSize,
		scrollMax,
		detailSession: detail?.session,
		readOnly,
		tooSmall: screenTooSmall ? 'screen' : dialogTooSmall ? 'dialog' : undefined,
		refresh,
		history: {moment, freeze: () => history.freeze(clock()), step: history.step, live: history.live},
		watch: (sessions) => alerts.toggleWatch(sessions),
		quit() {
			if (!inFlight.busy) {
				exit();
				return;
			}

			// Quitting now would lose the running action's outcome (and its audit record).
			dispatch({type: 'busy', text: 'quitting once the running action has finished and is recorded…'});
			void inFlight.settled().then(() => exit());
		},
		...monitorEffects(
			{
				nodes,
				audit: props.audit,
				broker,
				clock,
				cwd: props.cwd,
				inFlight,
				writeRaw: props.writeRaw ?? ((data) => process.stdout.write(data)),
			},
			snapshot,
		),
	};
	// Ink keeps the first handler it is given; the handler reads the latest context.
	const latest = useRef(context);
	latest.current = context;
	useInput(useCallback((input: string, key: Key) => handleInput(latest.current, input, key), []));

	const empty =
		snapshot.stats.total === 0
			? 'no sessions seen yet: clients appear as they connect, subscribe or disconnect'
			: `no session matches${state.filter ? ` the filter '${state.filter}'` : ''}${state.showInactive ? '' : ' (offline and blocked rows hidden: press o)'}`;

	let prompt: React.JSX.Element | undefined;
	if (mode.kind === 'filter') {
		const parsed = parseQuery(mode.text);
		prompt = (
			<FilterPrompt
				label="filter: "
				text={mode.text}
				error={parsed.ok ? undefined : parsed.error}
				hint="Enter applies · Esc clears the filter · e.g. user:alice -status:offline topic:home/#"
			/>
		);
	} else if (mode.kind === 'export') {
		const format = exportFormat(mode.text);
		prompt = (
			<FilterPrompt
				label="export to: "
				text={mode.text}
				error={format.ok ? undefined : format.error}
				hint={`Enter writes ${snapshot.rows.length} rows as ${format.ok ? format.format.toUpperCase() : '?'} · Esc cancels · .csv or .json`}
			/>
		);
	}

	if (screenTooSmall) {
		const columns = Math.max(1, size.columns - 1);
		return (
			<Box flexDirection="column" width={columns}>
				<LinesView
					lines={tooSmallLines(size, screenNeeds, 'mqtt-top cannot draw its table: enlarge the terminal, or press q to quit.', columns)}
					height={Math.max(1, size.rows - 1)}
				/>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Header lines={header} />
			{/* Lines are cut to the width before they reach Ink (Text truncates, the table's block is
			    pre-cut), so only the bordered dialog is clipped sideways: clipping costs Ink an ANSI
			    slice of every line of every frame. */}
			<Box flexDirection="column" height={bodyHeight} overflowY="hidden" overflowX={mode.kind === 'confirm' ? 'hidden' : 'visible'}>
				<Body
					mode={mode}
					visible={mode.kind === 'table' || promptHeight > 0 ? snapshot.rows.slice(top, top + pageSize) : []}
					isNew={inHistory ? (session) => history.changed(session.node, session.clientId) : snapshot.isNew}
					now={snapshot.now}
					staleSince={nodeCount > 1 ? staleSinceByNode(statuses, snapshot.now) : linkLive ? undefined : (connection.lostAt ?? snapshot.now)}
					lines={lines}
					scrollMax={scrollMax}
					height={bodyHeight}
					width={width}
					layout={layout}
					sort={sort}
					top={top}
					cursor={cursor}
					marked={state.marked}
					empty={empty}
					dialog={dialog}
					tooSmall={tooSmall}
				/>
			</Box>
			{prompt}
			<StatusLine status={state.status} busy={state.busy} />
			<Footer
				scope={scopeOf(mode)}
				readOnly={readOnly}
				width={width}
				// A dialog's footer names only the key its current step takes.
				hide={
					mode.kind !== 'confirm'
						? []
						: dialogTooSmall
							? ['confirm', 'confirmDestructive']
							: [mode.stage === 'first' ? 'confirmDestructive' : 'confirm']
				}
			/>
		</Box>
	);
}
