import {describeHistory} from '../../model/history.js';
import {isStuck} from '../../model/activity.js';
import {persistence} from '../../model/persistence.js';
import type {SessionStore} from '../../model/session-store.js';
import {flaps} from '../../model/sort.js';
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import {formatClock, formatDuration, plural} from '../format.js';
import {theme} from '../theme.js';
import {fit} from '../text.js';
import {wrapped, type Line} from './line.js';

export type DetailInput = {
	session: Session;
	/** The session is no longer in the store (disconnected and forgotten); shown as last known. */
	gone: boolean;
	store: SessionStore;
	now: number;
	/** The broker link is down since then: an online session is only what was known at that time. */
	staleSince?: number;
	/** Several brokers are monitored: say which one this session is on. */
	showNode?: boolean;
	/** What the session's node counts as queued (absent: the node does not expose queues). */
	queuedCounts?: string;
};

const labelWidth = 17;

function field(label: string, value: Line | string, width: number): Line[] {
	const body = typeof value === 'string' ? value : undefined;
	if (body === undefined) return [[{text: fit(label, labelWidth), dim: true}, ...(value as Line)]];
	return wrapped(body, width - labelWidth).map((line, i) => [
		{text: i === 0 ? fit(label, labelWidth) : ' '.repeat(labelWidth), dim: true},
		...line,
	]);
}

function heading(text: string): Line {
	return [{text, bold: true, underline: true}];
}

function account(session: Session, store: SessionStore): string {
	if (session.username === undefined) return '- (no username: dynamic security cannot kick or block it)';
	const name = cleanText(session.username);
	const known = store.accounts.get(session.username);
	const state = known === undefined ? 'account state unknown' : known.disabled ? 'account DISABLED (blocked)' : 'account enabled';
	const others = store.sessionsOfUser(session.username).filter((s) => s.clientId !== session.clientId);
	const shared =
		others.length === 0
			? ''
			: ` · shared with ${plural(others.length, 'other session')}: ${others
					.slice(0, 5)
					.map((s) => cleanText(s.clientId))
					.join(', ')}${others.length > 5 ? ', …' : ''}`;
	return `${name} (${state})${shared}`;
}

/** Every field of one session, its subscriptions and its recent events, newest first. */
export function detailLines(input: DetailInput, width: number): Line[] {
	const {session, store, now} = input;
	const lines: Line[] = [];
	const stale = input.staleSince !== undefined && session.status === 'online';
	const statusColor = stale ? theme.warning : theme.status[session.status];
	const since =
		session.status === 'online' && session.connectedAt !== undefined
			? ` for ${formatDuration((stale ? Math.min(now, input.staleSince!) : now) - session.connectedAt)}`
			: '';
	const status = stale
		? `stale: online${since} when the link to the broker was lost at ${formatClock(input.staleSince!, now)}; not confirmed since`
		: session.status + since;
	lines.push(...field('Client ID', session.accountOnly ? '(no session seen for this account)' : cleanText(session.clientId), width));
	if (input.showNode) lines.push(...field('Node', cleanText(session.node), width));
	lines.push(
		...field(
			'Status',
			[
				{text: status, color: statusColor, bold: true},
				...(input.gone
					? [{text: '  (no longer known: disconnected and forgotten; showing the last known state)', color: theme.warning}]
					: []),
			],
			width,
		),
	);
	lines.push(...field('Username', account(session, store), width));
	lines.push(
		...field(
			'Address',
			session.address === undefined ? '-' : `${cleanText(session.address)}${session.port ? `:${session.port}` : ''}`,
			width,
		),
	);
	lines.push(...field('Protocol', session.protocol === undefined ? '-' : `MQTT ${session.protocol}`, width));
	lines.push(
		...field(
			'Session',
			session.cleanSession === undefined
				? '- (not seen connecting)'
				: persistence(session) === 'unknown'
					? `unknown: MQTT 5 clean start ${session.cleanSession ? 'c1' : 'c0'}, and whether the broker keeps the session depends on its session expiry, which Mosquitto does not log${session.status === 'offline' ? ' (offline: it may persist)' : ''}`
					: session.cleanSession
						? 'clean (c1): nothing is kept after it disconnects'
						: 'persistent (c0): the broker keeps its subscriptions and queued messages while it is away',
			width,
		),
	);
	lines.push(
		...field('Keep-alive', session.keepAlive === undefined ? '-' : session.keepAlive === 0 ? 'off' : `${session.keepAlive}s`, width),
	);
	lines.push(
		...field(
			'Connected at',
			session.connectedAt === undefined
				? '- (not seen connecting)'
				: `${formatClock(session.connectedAt, now)} (${formatDuration(now - session.connectedAt)} ago)`,
			width,
		),
	);
	if (!session.accountOnly)
		lines.push(...field('First seen', `${formatClock(session.firstSeen, now)} (${formatDuration(now - session.firstSeen)} ago)`, width));
	if (input.queuedCounts !== undefined) {
		const count = session.queued === undefined ? '- (the broker listed no queue for it)' : String(session.queued);
		lines.push(...field('Queued', `${count} · ${input.queuedCounts}`, width));
	}

	lines.push(...field('Connects', `${session.connectCount} · takeovers ${session.takeoverCount} · flaps ${flaps(session)}`, width));
	if (session.messagesIn !== undefined) {
		const rates = `${(session.inPerSecond ?? 0).toFixed(1)}/s in, ${(session.outPerSecond ?? 0).toFixed(1)}/s out`;
		lines.push(
			...field(
				'Messages',
				`${session.messagesIn} in (${session.bytesIn ?? 0} bytes) · ${session.messagesOut ?? 0} out (${session.bytesOut ?? 0} bytes) · ${rates}`,
				width,
			),
		);
	}

	if (session.lastSeen !== undefined) {
		lines.push(...field('Last packet', `${formatClock(session.lastSeen, now)} (${formatDuration(now - session.lastSeen)} ago)`, width));
		if (isStuck(session, now)) {
			lines.push(
				...field(
					'',
					[
						{
							text: 'silent for longer than 1.5 × its keep-alive: hung, or the broker has not noticed it is gone',
							color: theme.warning,
							bold: true,
						},
					],
					width,
				),
			);
		}
	}

	if (session.lastDisconnectReason !== undefined) {
		const at =
			session.lastDisconnectAt === undefined
				? ''
				: ` at ${formatClock(session.lastDisconnectAt, now)} (${formatDuration(now - session.lastDisconnectAt)} ago)`;
		lines.push(...field('Last disconnect', `${cleanText(session.lastDisconnectReason)}${at}`, width));
	}

	lines.push([]);
	lines.push(heading(`Subscriptions (${session.subscriptions.size})`));
	if (session.subscriptions.size === 0) {
		lines.push([{text: '  none seen (subscriptions made before mqtt-top started are not known)', dim: true}]);
	} else {
		lines.push([{text: '  QoS  Topic filter', dim: true}]);
		const sorted = [...session.subscriptions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		for (const [topic, qos] of sorted) lines.push([{text: `  ${fit(String(qos), 3)}  `}, {text: cleanText(topic), color: theme.accent}]);
	}

	lines.push([]);
	lines.push(heading(`Recent events (${session.history.length}, newest first)`));
	if (session.history.length === 0) lines.push([{text: '  none seen yet', dim: true}]);
	for (const event of [...session.history].reverse()) {
		const entry = {time: event.time, ...describeHistory(event)};
		const color =
			entry.kind === 'connect' ? theme.status.online : entry.kind === 'disconnect' || entry.kind === 'takeover' ? theme.warning : undefined;
		const stamp = formatClock(entry.time, now);
		const prefix = `  ${stamp}  ${fit(entry.kind, 11)} `;
		const body = wrapped(cleanText(entry.detail), width - prefix.length);
		body.forEach((line, i) =>
			lines.push([
				{text: i === 0 ? `  ${stamp}  ` : ' '.repeat(prefix.length), dim: true},
				...(i === 0 ? [{text: `${fit(entry.kind, 11)} `, color}] : []),
				...line,
			]),
		);
	}

	return lines;
}
