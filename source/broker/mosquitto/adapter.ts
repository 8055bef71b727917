import type {MqttClient} from 'mqtt';
import {brokerUrl, type Config} from '../../config.js';
import {SessionStore, type OwnConnection} from '../../model/session-store.js';
import type {SessionEvent} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionAvailability, ActionOutcome, ConnectionState} from '../adapter.js';
import type {BrokerNode} from '../driver.js';
import {MosquittoAdmin} from './admin.js';
import {connect, connectTimeoutMs, subscribeOrExplain} from '../connection.js';
import {
	brokerRestarted,
	clockTime,
	defaultBackoff,
	nextLinkState,
	type BackoffPolicy,
	type LinkEvent,
	type UptimeSample,
} from '../link-state.js';
import {DynsecClient, DynsecNoAnswer, DynsecUnavailable, responseTopic} from './dynsec.js';
import {DialectTracker} from './dialect.js';
import {parseLogTopicMessage} from './log-parser.js';
import {applySysTopic, sysTopics} from './sys-topics.js';

export const logTopic = '$SYS/broker/log/#';

/** How long after the broker confirms an action we keep listening for the disconnects it caused. */
const settleMs = 1500;

/** Takes $SYS/broker/log/# messages instead of the adapter parsing them (the log-file merger). */
export type LogTopicSink = {topicMessage(topic: string, payload: string, receivedAt: number): void};

export type OpenOptions = {
	store?: SessionStore;
	/** Clock for payloads without a timestamp (tests inject one). */
	now?: () => number;
	/** Wait for dynamic security's answer before resolving (default true; the monitor draws first). */
	waitForActions?: boolean;
	/**
	 * With the broker's log file open, its merger (LogFile.merger): each line then counts once, from
	 * whichever source has it first. It must also leave out the monitor's own client ID.
	 */
	logSink?: LogTopicSink;
	/** Which Mosquitto writes the log lines; shared with the log file's parser when there is one. */
	dialect?: DialectTracker;
	/**
	 * Reads whatever the broker's log file holds now: after a reconnect the data counts as live
	 * only once the file has been read up to the present too.
	 */
	catchUp?: () => Promise<void>;
	backoff?: BackoffPolicy;
};

/** MQTT 5 DISCONNECT reason code: another connection took over this client ID. */
const sessionTakenOver = 0x8e;
/** How long a resync waits for the broker's retained uptime before concluding it has none yet. */
const uptimeWaitMs = 1500;
/** Mosquitto's default `sys_interval`, assumed until two uptime readings show the real one. */
const defaultSysIntervalMs = 10_000;

export class MosquittoAdapter implements BrokerNode {
	readonly type = 'mosquitto';
	readonly name: string;
	readonly url: string;
	readonly admin = new MosquittoAdmin(this);
	actions: ActionAvailability = {dynsec: false, reason: 'not probed yet'};
	private state: ConnectionState = {state: 'connected'};
	private readonly stateListeners = new Set<(state: ConnectionState) => void>();
	private readonly dynsec: DynsecClient;
	private readonly now: () => number;
	private readonly logSink: LogTopicSink | undefined;
	readonly dialect: DialectTracker;
	private readonly catchUp: (() => Promise<void>) | undefined;
	private readonly backoff: BackoffPolicy;
	/** Bumped on every CONNACK and every loss, so a resync overtaken by events gives up. */
	private generation = 0;
	private retryTimer: NodeJS.Timeout | undefined;
	private closing = false;
	/** What mqtt.js or the broker last said went wrong, for the reason shown once the link closes. */
	private lastError: string | undefined;
	private takeoverHint = false;
	/** The newest uptime reading, and the newest while the data was live (a restart is judged against it). */
	private uptime: (UptimeSample & {generation: number; retained: boolean}) | undefined;
	private liveUptime: UptimeSample | undefined;
	private sysIntervalMs = defaultSysIntervalMs;
	/** store.resets when the link was lost: a log-file restart line seen meanwhile already settled the sessions. */
	private resetsAtLoss = 0;
	/**
	 * The latest loss of the link (lostAt keeps the first, for the stale mark): a session heard of
	 * before it may belong to a broker process that has since gone, even if heard during a resync.
	 */
	private lastLossAt = 0;

	constructor(
		private readonly client: MqttClient,
		readonly store: SessionStore,
		private readonly config: Config,
		options: OpenOptions = {},
	) {
		this.url = brokerUrl(config);
		this.name = config.node;
		this.now = options.now ?? Date.now;
		this.logSink = options.logSink;
		this.dialect = options.dialect ?? new DialectTracker();
		this.catchUp = options.catchUp;
		this.backoff = options.backoff ?? defaultBackoff;
		this.dynsec = new DynsecClient(client);
		client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet.retain));
	}

	private onMessage(topic: string, payload: Buffer, retained = false): void {
		if (topic.startsWith('$SYS/broker/log/')) {
			// Mosquitto sends no DISCONNECT reason on a takeover, but logs it (to us too) before closing us.
			if (payload.includes(this.config.clientId)) this.noteOwnTakeover(topic, payload.toString());
			if (this.logSink) {
				this.logSink.topicMessage(topic, payload.toString(), this.now());
				return;
			}

			const event = parseLogTopicMessage(topic, payload.toString(), this.now(), this.store, undefined, this.dialect.dialect);
			// The monitor's own session is the tool, not a device under watch.
			if ('clientId' in event && event.clientId === this.config.clientId) return;
			this.store.apply(event);
		} else if (topic === responseTopic) {
			this.dynsec.handle(payload);
		} else {
			// Retained, so it arrives right after the subscription, ahead of the log lines that need it.
			if (topic === '$SYS/broker/version') this.dialect.observe(payload.toString());
			if (topic === '$SYS/broker/uptime') this.noteUptime(payload.toString(), retained);
			applySysTopic(this.store, topic, payload.toString());
		}
	}

	private noteOwnTakeover(topic: string, text: string): void {
		const event = parseLogTopicMessage(topic, text, this.now(), this.store, undefined, this.dialect.dialect);
		if (event.type === 'takeover' && event.clientId === this.config.clientId) this.takeoverHint = true;
	}

	private noteUptime(payload: string, retained: boolean): void {
		const uptime = Number.parseInt(payload, 10);
		if (Number.isNaN(uptime)) return;
		const sample = {uptime, at: this.now(), generation: this.generation, retained};
		const previous = this.uptime;
		this.uptime = sample;
		if (this.state.state !== 'connected') return;
		// Mosquitto publishes uptime once per sys_interval: the gap says how stale a retained reading can be.
		if (previous && previous.generation === sample.generation && sample.uptime > previous.uptime) {
			this.sysIntervalMs = Math.max(1000, sample.at - previous.at);
		}

		this.liveUptime = {uptime, at: sample.at};
	}

	/** Subscribes (checking every SUBACK), probes dynamic security, then keeps the link up. */
	/**
	 * Resolves when dynamic security has answered (or was found missing); until then `actions`
	 * says it is being checked. The monitor draws without waiting; commands that act wait.
	 */
	probed: Promise<void> = Promise.resolve();

	/**
	 * Subscribes to the log and $SYS topics and probes dynamic security at once: the requests are
	 * pipelined, so start-up pays one round trip to the broker, not three.
	 */
	async start(waitForActions = true): Promise<void> {
		this.actions = {dynsec: false, reason: 'asking the dynamic-security plugin…', pending: true};
		const logs = subscribeOrExplain(this.client, [logTopic, ...sysTopics], this.config);
		const probe = this.probeDynsec();
		await logs;
		this.watchConnection();
		this.probed = probe;
		if (waitForActions) await probe;
	}

	private async probeDynsec(): Promise<void> {
		// An answer (or silence) from before a lost link says nothing about the plugin.
		const generation = this.generation;
		const subscribed = this.client.subscribeAsync(responseTopic, {qos: 0}).then(
			(granted) => granted.every((g) => g.qos < 128),
			() => false,
		);
		// Sent right behind the SUBSCRIBE: the broker handles them in order, so the response finds the subscription.
		const accounts = this.dynsec.listAccounts(this.config.dynsecTimeout);
		// Handled below; until then a close (start-up refused, quit) may settle it first.
		accounts.catch(() => {});
		if (!(await subscribed)) {
			if (generation !== this.generation) return;
			this.actions = {
				dynsec: false,
				reason: `not allowed to subscribe to ${responseTopic}: grant the dynamic-security admin ACLs to use kick/block`,
			};
			return;
		}

		try {
			const listed = await accounts;
			if (generation !== this.generation) return;
			this.store.setAccounts(listed);
			this.actions = {dynsec: true};
		} catch (error) {
			if (generation !== this.generation) return;
			this.actions = {
				dynsec: false,
				reason:
					error instanceof DynsecUnavailable
						? `dynamic-security plugin not available (${error.message}): load mosquitto_dynamic_security.so and grant this account its $CONTROL/dynamic-security/# ACLs`
						: `dynamic security refused: ${(error as Error).message}`,
			};
		}
	}

	/**
	 * From here on the link looks after itself: a lost link is retried with back-off (mqtt.js's
	 * own reconnect is off), and after each CONNACK everything is read again before the data
	 * counts as live.
	 */
	private watchConnection(): void {
		this.client.on('error', (error) => {
			this.lastError = describeError(error, this.config.keepAlive);
		});
		this.client.on('disconnect', (packet) => {
			if (packet.reasonCode === sessionTakenOver) this.takeoverHint = true;
			else this.lastError = `the broker disconnected mqtt-top (reason ${packet.reasonCode ?? 'unknown'})`;
		});
		this.client.on('close', () => this.onLost());
		this.client.on('connect', (connack) => this.onConnack(connack.sessionPresent));
	}

	private setState(event: LinkEvent): void {
		this.state = nextLinkState(this.state, event, this.backoff);
		for (const listener of this.stateListeners) listener(this.state);
	}

	private onLost(): void {
		if (this.closing) return;
		const wasLive = this.state.state === 'connected';
		if (wasLive) this.resetsAtLoss = this.store.resets;
		this.lastLossAt = this.now();
		this.generation++;
		const takenOver = this.takeoverHint;
		const reason = takenOver
			? `another client connected with this monitor's client ID ${cleanText(this.config.clientId)} and took over its connection`
			: (this.lastError ?? 'the broker closed the connection');
		this.takeoverHint = false;
		this.lastError = undefined;
		this.setState({type: 'lost', at: this.now(), reason, takenOver});
		clearTimeout(this.retryTimer);
		const wait = Math.max(0, (this.state.retryAt ?? this.now()) - this.now());
		this.retryTimer = setTimeout(() => this.retry(), wait);
	}

	private retry(): void {
		if (this.closing) return;
		this.setState({type: 'attempt', at: this.now()});
		this.client.reconnect();
	}

	private onConnack(sessionPresent: boolean): void {
		if (this.closing) return;
		const generation = ++this.generation;
		this.setState({type: 'connack', at: this.now()});
		// The broker forgot the monitor's MQTT 5 session: it restarted (or the expiry passed).
		void this.resync(generation, this.config.protocolVersion === 5 && !sessionPresent);
	}

	/**
	 * Subscribes again, reads accounts, counts and the log file, and judges from the broker's
	 * uptime whether it restarted meanwhile: the sessions of an old broker process that nothing
	 * has confirmed since must not stay listed as online.
	 */
	private async resync(generation: number, sessionLost = false): Promise<void> {
		const current = () => generation === this.generation && !this.closing;
		const lostAt = this.lastLossAt;
		try {
			const logs = subscribeOrExplain(this.client, [logTopic, ...sysTopics], this.config);
			const probe = this.probeDynsec();
			await logs;
			const before = this.liveUptime;
			let after = await this.uptimeOf(generation, uptimeWaitMs);
			// A retained reading is as old as the broker's last publication, which a frozen broker
			// made long ago: before calling that a restart, wait for a fresh one.
			if (before && after?.retained && after.uptime >= before.uptime && brokerRestarted(before, after, 2000)) {
				after = (await this.uptimeOf(generation, this.sysIntervalMs + 2000, true)) ?? after;
			}

			if (!current()) return;
			await this.catchUp?.().catch(() => {});
			// A restart line in the log file already ended the old sessions and listed the new ones.
			const settled = this.store.resets !== this.resetsAtLoss;
			const restarted =
				sessionLost ||
				(before !== undefined &&
					(after === undefined || brokerRestarted(before, after, after.retained ? this.sysIntervalMs + 2000 : 2000)));
			if (restarted && !settled) {
				this.store.endSessionsNotHeardSince(lostAt, this.now(), `broker restarted while mqtt-top was disconnected (${clockTime(lostAt)})`);
			}

			if (restarted) this.liveUptime = undefined;
			await probe;
			if (!current()) return;
			this.setState({type: 'resynced', at: this.now()});
		} catch (error) {
			if (!current()) return;
			// Could not read everything again (e.g. a subscription refused): drop the link and retry.
			this.lastError = `resync failed: ${(error as Error).message}`;
			this.client.stream?.destroy();
		}
	}

	/**
	 * The first uptime reading after this CONNACK (the retained one comes at once), or with `fresh`
	 * the first the broker publishes anew; undefined if none came in time.
	 */
	private async uptimeOf(generation: number, waitMs: number, fresh = false) {
		const wanted = () => {
			const sample = this.uptime;
			return sample?.generation === generation && (!fresh || !sample.retained) ? sample : undefined;
		};

		const deadline = Date.now() + waitMs;
		while (Date.now() < deadline && generation === this.generation && !wanted()) await new Promise((r) => setTimeout(r, 25));
		return wanted();
	}

	/** Why an action cannot be sent now, or undefined when the link is live. */
	private notLive(what: string): ActionOutcome | undefined {
		const state = this.state;
		if (state.state === 'connected') return undefined;
		const since = state.lostAt === undefined ? '' : ` since ${clockTime(state.lostAt)}`;
		const why =
			state.state === 'resyncing' ? `reconnected${since === '' ? '' : ` (link lost${since})`} but still resyncing` : `disconnected${since}`;
		return {result: 'failed', message: `cannot ${what}: not connected to the broker (${why}); nothing was sent`, disconnected: []};
	}

	connection(): ConnectionState {
		return this.state;
	}

	onConnectionChange(listener: (state: ConnectionState) => void): () => void {
		this.stateListeners.add(listener);
		return () => this.stateListeners.delete(listener);
	}

	async refreshAccounts(): Promise<void> {
		if (!this.actions.dynsec || this.state.state === 'closed' || this.state.state === 'reconnecting') return;
		this.store.setAccounts(await this.dynsec.listAccounts());
	}

	kickByUsername(username: string): Promise<ActionOutcome> {
		return this.accountCommand('modifyClient', username, 'kicked');
	}

	block(username: string): Promise<ActionOutcome> {
		return this.accountCommand('disableClient', username, 'blocked');
	}

	unblock(username: string): Promise<ActionOutcome> {
		return this.accountCommand('enableClient', username, 'unblocked');
	}

	private async accountCommand(command: string, username: string, verb: string): Promise<ActionOutcome> {
		const down = this.notLive(`${command} ${cleanText(username)}`);
		if (down) return down;
		if (!this.actions.dynsec) return {result: 'failed', message: `cannot ${command}: ${this.actions.reason}`, disconnected: []};
		const expected = new Set(
			this.store
				.sessionsOfUser(username)
				.filter((s) => s.status === 'online')
				.map((s) => s.clientId),
		);
		const watch = this.watchDisconnects((event) => {
			if (event.type !== 'disconnect' || event.kind !== 'administrative') return false;
			// Only this username's sessions: another operator's kick of someone else in the same
			// second is not ours to report. A client ID the monitor never saw may be this account's.
			if (expected.has(event.clientId)) return true;
			const session = this.store.lookup(event.clientId);
			return session === undefined || session.username === username;
		});
		let response;
		try {
			response = await this.dynsec.command(command, {username});
		} catch (error) {
			watch.stop();
			if (error instanceof DynsecNoAnswer) {
				return {
					result: 'unknown',
					message: `${command} ${cleanText(username)}: ${error.message}; it may still have been carried out`,
					disconnected: [],
				};
			}

			return {result: 'failed', message: `${command} ${cleanText(username)} failed: ${(error as Error).message}`, disconnected: []};
		}

		if (response.error) {
			watch.stop();
			return {result: 'failed', message: `${command} ${cleanText(username)} refused by the broker: ${response.error}`, disconnected: []};
		}

		const disconnected = command === 'enableClient' ? (watch.stop(), []) : await watch.settle(expected);
		if (command === 'disableClient' || command === 'enableClient') this.store.setAccountDisabled(username, command === 'disableClient');
		await this.refreshAccounts().catch(() => {});
		const list =
			disconnected.length === 0
				? 'no session was connected'
				: `disconnected ${disconnected.length}: ${disconnected.map(cleanText).join(', ')}`;
		return {
			result: 'done',
			message: `${verb} username ${cleanText(username)}${command === 'enableClient' ? '' : `: ${list}`}`,
			disconnected,
		};
	}

	/**
	 * Collects the client IDs of matching disconnect events until every expected one was seen or
	 * the settle time ran out: the outcome is what the broker reported, not what we hoped.
	 */
	private watchDisconnects(matches: (event: SessionEvent) => boolean) {
		const seen: string[] = [];
		const stop = this.store.onEvent((event) => {
			if (matches(event) && 'clientId' in event && event.clientId !== undefined && !seen.includes(event.clientId)) {
				seen.push(event.clientId);
			}
		});
		return {
			stop,
			settle: async (expected: Set<string>, done: () => boolean = () => true): Promise<string[]> => {
				const deadline = Date.now() + settleMs;
				while (Date.now() < deadline && !([...expected].every((id) => seen.includes(id)) && done())) {
					await new Promise((r) => setTimeout(r, 25));
				}

				// A short grace period for sessions the monitor did not know about.
				await new Promise((r) => setTimeout(r, 100));
				stop();
				return seen;
			},
		};
	}

	async kickByTakeover(clientId: string): Promise<ActionOutcome> {
		const down = this.notLive(`kick ${cleanText(clientId)}`);
		if (down) return down;
		const watch = this.watchDisconnects((event) => event.type === 'takeover' && event.clientId === clientId);
		// The intruder's own connect and disconnect lines must not become the device's session.
		// Until its source port is known (the broker may log the connect first), it is recognised
		// by what it sends: MQTT 3.1.1, clean, keep-alive 5, this monitor's username.
		let localPort: number | undefined;
		const own: OwnConnection = {
			matches: (event) =>
				localPort === undefined
					? event.protocol === '3.1.1' && event.cleanSession && event.keepAlive === 5 && event.username === this.config.username
					: event.port === localPort,
		};
		const release = this.store.expectOwnConnection(clientId, own);
		let intruder: MqttClient;
		try {
			intruder = await connect(this.config, {clientId, clean: true, protocolVersion: 4, keepalive: 5, properties: undefined});
			localPort = (intruder.stream as {localPort?: number} | undefined)?.localPort;
		} catch (error) {
			watch.stop();
			const message = (error as Error).message;
			// A CONNECT that got no CONNACK may still be read by the broker (a frozen broker's
			// backlog): the takeover may yet happen, and its lines must still be left out.
			const maybe = /ETIMEDOUT|ECONNRESET|EPIPE|timed out|before CONNACK/.test(message);
			if (maybe) setTimeout(release, 30_000).unref();
			else release();
			return {
				result: maybe ? 'unknown' : 'failed',
				message: `takeover of ${cleanText(clientId)} ${maybe ? 'got no answer' : 'failed'}: ${message}`,
				disconnected: [],
			};
		}

		await intruder.endAsync();
		const seen = await watch.settle(new Set([clientId]), () => own.ended === true || own.online !== true);
		// Its disconnect line may come a moment later; keep leaving it out until then.
		if (own.online && !own.ended) setTimeout(release, settleMs).unref();
		else release();
		return {
			result: 'done',
			message: seen.length
				? `kicked client ${cleanText(clientId)} (taken over and closed)`
				: `connected and closed as ${cleanText(clientId)}; the broker logged no takeover, so the client was probably not connected`,
			disconnected: seen,
		};
	}

	async close(): Promise<void> {
		this.closing = true;
		clearTimeout(this.retryTimer);
		this.setState({type: 'closed', at: this.now()});
		this.dynsec.close();
		if (this.client.connected && this.config.protocolVersion === 5) {
			// Ends the session the broker would otherwise keep for an hour.
			await Promise.race([
				this.client.endAsync(false, {properties: {sessionExpiryInterval: 0}}).catch(() => {}),
				new Promise((r) => setTimeout(r, 500)),
			]);
		}

		await this.client.endAsync(true).catch(() => {});
	}
}

/** One line for the header: what ended the link, in the operator's terms. */
function describeError(error: Error & {code?: string | number}, keepAlive: number): string {
	// A frozen broker still accepts the socket: the attempt ends on mqtt.js's timer.
	if (error.message === 'connack timeout') return `no answer to the connection attempt within ${connectTimeoutMs / 1000} s`;
	if (error.message === 'Keepalive timeout') return `no answer from the broker within ${keepAlive * 1.5} s (keep-alive ${keepAlive} s)`;
	if (error.code === 'ECONNREFUSED') return 'connection refused: the broker is not listening';
	if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'the connection was reset';
	return error.message;
}

/** Connects, subscribes and probes: the one way the CLI and the monitor open a Mosquitto broker. */
export async function openMosquitto(config: Config, options: OpenOptions = {}): Promise<MosquittoAdapter> {
	const client = await connect(config);
	const adapter = new MosquittoAdapter(client, options.store ?? new SessionStore({node: config.node}), config, options);
	try {
		await adapter.start(options.waitForActions ?? true);
	} catch (error) {
		await adapter.close();
		throw error;
	}

	return adapter;
}
