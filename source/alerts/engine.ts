// When rules fire. Pure: fed session transitions, connected counts and link changes (by
// alerts/feed.ts, from any driver's store), with an injected clock, so every rule's timing is
// tested without waiting.
import type {Session} from '../model/types.js';
import type {Rule} from './rules.js';

export type AlertKind = 'down' | 'up' | 'count' | 'flaps' | 'link-lost' | 'link-back';

export type Alert = {
	time: number;
	/** The rule's text as given; `link` for a node's own link. */
	rule: string;
	kind: AlertKind;
	node: string;
	clientId?: string;
	username?: string;
	address?: string;
	/** One line: what happened. */
	detail: string;
};

/** The rule text of the alerts about mqtt-top's own link to a node. */
export const linkRule = 'link';

/** flaps>N counts connects within this sliding window. */
export const flapWindowMs = 60_000;

type CountState = {armed: boolean};

export class AlertEngine {
	private readonly listeners = new Set<(alert: Alert) => void>();
	private readonly rules: Rule[];
	/** Per `${rule text}\n${node}`: whether count<N may fire again. */
	private readonly countState = new Map<string, CountState>();
	/** Per node and client: connect times within the flap window, and when its flap alert last fired. */
	private readonly connects = new Map<string, {times: number[]; firedAt?: number}>();
	private readonly linkDown = new Set<string>();

	constructor(
		rules: readonly Rule[],
		private readonly now: () => number = Date.now,
	) {
		this.rules = [...rules];
	}

	onAlert(listener: (alert: Alert) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	get ruleList(): readonly Rule[] {
		return this.rules;
	}

	addRule(rule: Rule): void {
		if (!this.rules.some((r) => r.text === rule.text && r.node === rule.node)) this.rules.push(rule);
	}

	removeRule(text: string): void {
		const index = this.rules.findIndex((r) => r.text === text);
		if (index >= 0) this.rules.splice(index, 1);
	}

	hasRule(text: string): boolean {
		return this.rules.some((r) => r.text === text);
	}

	/** A session connected (not one listed at start-up). */
	connected(session: Session): void {
		for (const rule of this.rulesFor(session.node)) {
			if (rule.kind === 'up' && rule.filter.match(session)) {
				this.emit(rule, session.node, 'up', `connected${session.address ? ` from ${session.address}` : ''}`, session);
			}
		}

		const flapRules = this.rulesFor(session.node).filter((rule) => rule.kind === 'flaps');
		if (flapRules.length === 0) return;
		const time = this.now();
		const key = `${session.node}\n${session.clientId}`;
		const entry = this.connects.get(key) ?? {times: []};
		entry.times.push(time);
		while (entry.times.length > 0 && entry.times[0] <= time - flapWindowMs) entry.times.shift();
		this.connects.set(key, entry);
		// Once per minute per client, however many rules: the lowest threshold that is passed fires.
		if (entry.firedAt !== undefined && time - entry.firedAt < flapWindowMs) return;
		const passed = flapRules.filter((rule) => entry.times.length > rule.above).sort((a, b) => a.above - b.above)[0];
		if (passed) {
			entry.firedAt = time;
			this.emit(passed, session.node, 'flaps', `connected ${entry.times.length} times within ${flapWindowMs / 1000} s`, session);
		}

		this.pruneConnects(time);
	}

	/** A session that was online no longer is. `how`: why, in the broker's or the store's words. */
	disconnected(session: Session, how: string): void {
		for (const rule of this.rulesFor(session.node)) {
			if (rule.kind === 'down' && rule.filter.match(session)) this.emit(rule, session.node, 'down', how, session);
		}
	}

	/** The node's connected count, read while its link is live. */
	count(node: string, connected: number, source: string): void {
		for (const rule of this.rulesFor(node)) {
			if (rule.kind !== 'count') continue;
			const state = this.countOf(rule, node);
			if (connected >= rule.below) {
				state.armed = true;
			} else if (state.armed) {
				state.armed = false;
				this.emit(rule, node, 'count', `${connected} connected (${source}), below ${rule.below}`);
			}
		}
	}

	/** mqtt-top lost its link to the node (or could not reach it at start): once per outage. */
	linkLost(node: string, detail: string): void {
		if (this.linkDown.has(node) || this.rules.length === 0) return;
		this.linkDown.add(node);
		const counts = this.rulesFor(node).filter((rule) => rule.kind === 'count');
		// The count is unknown until the link is back: a rule that fired may fire again then.
		for (const rule of counts) this.countOf(rule, node).armed = true;
		const unknown =
			counts.length > 0 ? `; connected count unknown until it is back (${counts.map((r) => r.text).join(', ')} not checked)` : '';
		this.emit(undefined, node, 'link-lost', `mqtt-top lost its link to the node: ${detail}${unknown}`);
	}

	linkBack(node: string): void {
		if (!this.linkDown.delete(node)) return;
		this.emit(undefined, node, 'link-back', 'mqtt-top reached the node again');
	}

	private countOf(rule: Rule, node: string): CountState {
		const key = `${rule.text}\n${node}`;
		let state = this.countState.get(key);
		if (!state) {
			// At start a count already below N fires once.
			state = {armed: true};
			this.countState.set(key, state);
		}

		return state;
	}

	private rulesFor(node: string): Rule[] {
		return this.rules.filter((rule) => rule.node === undefined || rule.node === node);
	}

	/** Forgets clients whose connects have all left the window (a long run must not grow without bound). */
	private pruneConnects(time: number): void {
		if (this.connects.size < 1000) return;
		for (const [key, entry] of this.connects) {
			const last = entry.times.at(-1);
			if (last === undefined || last <= time - flapWindowMs) this.connects.delete(key);
		}
	}

	private emit(rule: Rule | undefined, node: string, kind: AlertKind, detail: string, session?: Session): void {
		const alert: Alert = {time: this.now(), rule: rule?.text ?? linkRule, kind, node, detail};
		if (session) {
			alert.clientId = session.clientId;
			if (session.username !== undefined) alert.username = session.username;
			if (session.address !== undefined) alert.address = session.address;
		}

		for (const listener of this.listeners) listener(alert);
	}
}
