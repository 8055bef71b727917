import type {SessionEvent} from '../../../model/types.js';
import {DialectTracker} from '../dialect.js';
import {type KnownClientIds, parseLogMessage, parseSubscribe, parseUnsubscribe} from '../log-parser.js';
import type {LineClock} from './timestamp.js';

// Lines of the broker's *file* log, which differ from the topic stream in two ways: debug lines
// (packets in and out) appear only here, and subscribe/unsubscribe lines have no topic to mark
// them, so they are recognised by the debug lines before them (`Received SUBSCRIBE from X`,
// `\t<filter> (QoS n)`) or, without debug lines, by a client ID we know.

const enum Context {
	none,
	subscribe,
	unsubscribe,
}

/**
 * Copies a string that may be a slice of a large chunk of the log, so that what the store keeps
 * (client IDs, usernames, topics) does not pin megabytes of replayed text in memory. V8 keeps
 * slices of 13+ characters as views into their parent; concatenating and slicing flattens a copy.
 */
export function own(text: string): string {
	return text.length < 13 ? text : (' ' + text).slice(1);
}

function ownEvent(event: SessionEvent): SessionEvent {
	switch (event.type) {
		case 'connect': {
			event.clientId = own(event.clientId);
			event.address = own(event.address);
			if (event.username !== undefined) event.username = own(event.username);
			break;
		}

		case 'disconnect': {
			event.clientId = own(event.clientId);
			// The other kinds' reasons are the parser's own constants, not slices of the log.
			if (event.kind === 'protocol' || event.kind === 'error') event.reason = own(event.reason);
			break;
		}

		case 'subscribe': {
			event.clientId = own(event.clientId);
			event.topic = own(event.topic);
			break;
		}

		case 'unsubscribe': {
			event.clientId = own(event.clientId);
			break;
		}

		case 'dynsec': {
			event.actor = own(event.actor);
			event.command = own(event.command);
			for (const key of Object.keys(event.args)) event.args[key] = own(event.args[key]);
			break;
		}

		case 'broker-start': {
			event.version = own(event.version);
			break;
		}

		default:
	}

	return event;
}

function readNumberBefore(text: string, end: number): number {
	// Digits that end at `end` (exclusive).
	let i = end;
	let value = 0;
	let scale = 1;
	while (i > 0) {
		const c = text.charCodeAt(i - 1);
		if (c < 48 || c > 57) break;
		value += (c - 48) * scale;
		scale *= 10;
		i--;
	}

	return i === end ? -1 : value;
}

const bytesSuffix = ' bytes))';

/**
 * Turns lines of Mosquitto's file log into session events. Keeps a little state across lines
 * (the subscribe/unsubscribe in progress, whether debug lines are logged at all), so one parser
 * reads one stream of lines in order: the replay, then the live tail.
 */
export class FileLineParser {
	/** Whether the last line was a debug line (never published on $SYS/broker/log/#). */
	debug = false;
	/** Debug lines have been seen since the broker started: subscribe lines then need their context. */
	sawDebug = false;
	/** The time of the last timestamped line, for lines without one (a client ID holding a newline). */
	private lastTime = Number.NaN;
	private context = Context.none;
	private contextClient = '';
	private contextFilters: string[] = [];

	constructor(
		private readonly clock: LineClock,
		private readonly known: KnownClientIds,
		/** Shared with the topic stream's parser: the file's start line tells both which version writes. */
		private readonly dialect = new DialectTracker(),
	) {}

	/**
	 * Parses text[start, end) (one line, no newline). `fallbackTime` is used when the format has no
	 * time in it. Returns undefined for lines that say nothing about sessions (most debug lines).
	 */
	parse(text: string, start: number, end: number, fallbackTime: number): SessionEvent | undefined {
		let at = this.clock.split(text, start, end);
		let time: number;
		if (at < 0) {
			at = start;
			time = Number.isNaN(this.lastTime) ? fallbackTime : this.lastTime;
		} else {
			time = this.clock.timed || !Number.isNaN(this.clock.time) ? this.clock.time : fallbackTime;
			if (this.clock.timed) this.lastTime = time;
		}

		this.debug = true;
		switch (text.charCodeAt(at)) {
			case 83: // S
				if (text.startsWith('Sending ', at)) return this.sending(text, at + 8, end, time);
				break;
			case 82: // R
				if (text.startsWith('Received ', at)) return this.received(text, at + 9, end, time);
				break;
			case 68: // D
				if (text.startsWith('Denied PUBLISH from ', at)) return this.publish(text, at + 20, end, time, 'in');
				break;
			case 9: // \t: a filter of the SUBSCRIBE/UNSUBSCRIBE in progress, or a will topic
				this.sawDebug = true;
				if (this.context !== Context.none) this.addFilter(text, at + 1, end);
				return undefined;
			case 78: // N
				if (text.startsWith('No will message specified.', at)) {
					this.sawDebug = true;
					return undefined;
				}

				break;
			case 87: // W
				if (text.startsWith('Will message specified (', at)) {
					this.sawDebug = true;
					this.context = Context.none;
					return undefined;
				}

				break;
			default:
		}

		this.debug = false;
		return this.message(text.slice(at, end), time);
	}

	/** Forgets the subscribe in progress (the stream jumped: rotation, truncation). */
	resetContext(): void {
		this.context = Context.none;
	}

	private sending(text: string, at: number, end: number, time: number): SessionEvent | undefined {
		this.sawDebug = true;
		if (text.startsWith('PUBLISH to ', at)) return this.publish(text, at + 11, end, time, 'out');
		if (text.startsWith('CONNACK to ', at)) {
			// "Sending CONNACK to X (session present, reason code)": only an accepted CONNECT proves a live client.
			if (text.charCodeAt(end - 1) !== 41 || text.charCodeAt(end - 2) !== 48 || text.charCodeAt(end - 3) !== 32) return undefined;
			const paren = text.lastIndexOf(' (', end);
			if (paren < at + 11) return undefined;
			return {type: 'traffic', time, clientId: text.slice(at + 11, paren), direction: 'out', packet: 'CONNACK', bytes: 0};
		}

		if (text.startsWith('SUBACK to ', at) || text.startsWith('UNSUBACK to ', at)) this.context = Context.none;
		return undefined;
	}

	private received(text: string, at: number, end: number, time: number): SessionEvent | undefined {
		this.sawDebug = true;
		if (text.startsWith('PUBLISH from ', at)) return this.publish(text, at + 13, end, time, 'in');
		const from = text.indexOf(' from ', at);
		// "Received CONNACK on connection X." (bridges) has no client to credit.
		if (from < 0 || from >= end) return undefined;
		const packet = text.slice(at, from);
		const idStart = from + 6;
		let idEnd = end;
		if (packet === 'PUBACK' || packet === 'PUBCOMP' || packet === 'PUBREC' || packet === 'PUBREL') {
			const mid = text.lastIndexOf(' (Mid: ', end);
			if (mid >= idStart) idEnd = mid;
		} else if (packet === 'AUTH') {
			const rc = text.lastIndexOf(' (rc', end);
			if (rc >= idStart) idEnd = rc;
		}

		const clientId = text.slice(idStart, idEnd);
		if (packet === 'SUBSCRIBE' || packet === 'UNSUBSCRIBE') {
			this.context = packet === 'SUBSCRIBE' ? Context.subscribe : Context.unsubscribe;
			this.contextClient = clientId;
			this.contextFilters = [];
		}

		return {type: 'traffic', time, clientId, direction: 'in', packet, bytes: 0};
	}

	/** "X (d0, q1, r0, m3, 'topic', ... (42 bytes))" from `at`. */
	private publish(text: string, at: number, end: number, time: number, direction: 'in' | 'out'): SessionEvent | undefined {
		this.sawDebug = true;
		// The client ID ends at the first " (d<digit>, q": IDs containing that are not worth a slower scan.
		let paren = text.indexOf(' (d', at);
		while (paren >= 0 && paren < end && text.charCodeAt(paren + 4) !== 44) paren = text.indexOf(' (d', paren + 1);
		if (paren < 0 || paren >= end) return undefined;
		const bytes = text.endsWith(bytesSuffix, end) ? readNumberBefore(text, end - bytesSuffix.length) : -1;
		return {type: 'traffic', time, clientId: text.slice(at, paren), direction, packet: 'PUBLISH', bytes: bytes < 0 ? 0 : bytes};
	}

	private addFilter(text: string, at: number, end: number): void {
		if (this.context === Context.subscribe) {
			// "\t<filter> (QoS n)"
			const qos = text.lastIndexOf(' (QoS ', end);
			if (qos >= at) this.contextFilters.push(text.slice(at, qos));
		} else {
			this.contextFilters.push(text.slice(at, end));
		}
	}

	private message(message: string, time: number): SessionEvent {
		if (this.context !== Context.none && message.startsWith(this.contextClient + ' ')) {
			const event = this.fromContext(message, time);
			if (event) return ownEvent(event);
		}

		let event = parseLogMessage(message, time, this.dialect.dialect);
		if (event.type === 'broker-start') {
			this.dialect.observe(event.version);
			this.sawDebug = false;
			this.context = Context.none;
		} else if (event.type === 'unknown' && !this.sawDebug) {
			// No debug lines to go by: a line that starts with a client ID we know is its (un)subscribe.
			const sub = parseSubscribe(message, time, this.known);
			if (sub.type === 'subscribe' && this.known.has(sub.clientId)) {
				event = sub;
			} else {
				const unsub = parseUnsubscribe(message, time, this.known);
				if (unsub.type === 'unsubscribe' && this.known.has(unsub.clientId)) event = unsub;
			}
		}

		return ownEvent(event);
	}

	/**
	 * "<id> <qos> <filter>" or "<id> <filter>" for the SUBSCRIBE/UNSUBSCRIBE the debug lines just
	 * announced. This is also what stops a client named "mosquitto" unsubscribing from "version 9
	 * starting" from passing for a broker restart.
	 */
	private fromContext(message: string, time: number): SessionEvent | undefined {
		const rest = message.slice(this.contextClient.length + 1);
		if (this.context === Context.unsubscribe) {
			if (!this.contextFilters.includes(rest)) return undefined;
			return {type: 'unsubscribe', time, clientId: this.contextClient, topic: rest};
		}

		const space = rest.indexOf(' ');
		if (space <= 0) return undefined;
		const topic = rest.slice(space + 1);
		const qos = rest.slice(0, space);
		if (!/^\d{1,3}$/.test(qos) || !this.contextFilters.includes(topic)) return undefined;
		return {type: 'subscribe', time, clientId: this.contextClient, topic, qos: Number(qos)};
	}
}
