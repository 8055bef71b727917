// The monitor's side of alerts: the engine fed from the nodes, the alerts kept for the banner and
// the alerts view, the log, the bell, and the watches `w` toggles. No React: the App reads it.
import type {Session} from '../model/types.js';
import type {AlertLog} from './alert-log.js';
import {AlertEngine, type Alert} from './engine.js';
import {feedAlerts, type FeedNode} from './feed.js';
import {watchRule, type Rule} from './rules.js';

/** Alerts kept for the alerts view (the log keeps them all). */
export const keptAlerts = 500;

export type AlertCenterOptions = {
	rules?: readonly Rule[];
	log?: AlertLog;
	/** Rings the terminal bell (absent with --no-bell). */
	bell?: () => void;
	now?: () => number;
};

export class AlertCenter {
	readonly engine: AlertEngine;
	/** Newest first. */
	readonly alerts: Alert[] = [];
	/** Every alert since the start, also those no longer kept. */
	total = 0;
	/** Why the alert log cannot be written, once that happened. */
	logError: string | undefined;
	private readonly watched = new Map<string, Rule>();
	private readonly listeners = new Set<() => void>();
	private feed: {stop(): void} | undefined;

	constructor(
		private readonly nodes: readonly FeedNode[],
		private readonly options: AlertCenterOptions = {},
	) {
		this.engine = new AlertEngine(options.rules ?? [], options.now);
		this.engine.onAlert((alert) => this.record(alert));
	}

	get logPath(): string | undefined {
		return this.options.log?.path;
	}

	start(): void {
		this.feed ??= feedAlerts(this.nodes, this.engine);
	}

	stop(): void {
		this.feed?.stop();
		this.feed = undefined;
	}

	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The rules given at start, then the watches. */
	get rules(): readonly Rule[] {
		return this.engine.ruleList;
	}

	get watchCount(): number {
		return this.watched.size;
	}

	isWatched(session: Pick<Session, 'node' | 'clientId'>): boolean {
		return this.watched.has(watchKey(session));
	}

	/**
	 * `w`: when any of the sessions is not watched, watches them all; when all are, stops. Answers
	 * which way it went, for the status line.
	 */
	toggleWatch(sessions: ReadonlyArray<Pick<Session, 'node' | 'clientId'>>): 'watching' | 'stopped' {
		const watch = sessions.some((session) => !this.isWatched(session));
		for (const session of sessions) {
			const key = watchKey(session);
			const existing = this.watched.get(key);
			if (watch && !existing) {
				const rule = watchRule(session.clientId, session.node);
				this.watched.set(key, rule);
				this.engine.addRule(rule);
			} else if (!watch && existing) {
				this.watched.delete(key);
				this.engine.removeRule(existing.text);
			}
		}

		this.changed();
		return watch ? 'watching' : 'stopped';
	}

	private record(alert: Alert): void {
		this.alerts.unshift(alert);
		if (this.alerts.length > keptAlerts) this.alerts.length = keptAlerts;
		this.total++;
		this.options.log?.append(alert);
		this.options.bell?.();
		this.changed();
	}

	/** The log's one warning (AlertLog calls it at most once). */
	logFailed(message: string): void {
		this.logError = message;
		this.changed();
	}

	private changed(): void {
		for (const listener of this.listeners) listener();
	}
}

function watchKey(session: Pick<Session, 'node' | 'clientId'>): string {
	return `${session.node}\n${session.clientId}`;
}
