import type {MqttClient} from 'mqtt';
import {brokerUrl, type Config} from '../../config.js';
import {SessionStore, type OwnConnection} from '../../model/session-store.js';
import type {SessionEvent} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import type {ActionAvailability, ActionOutcome, BrokerAdapter, ConnectionState} from '../adapter.js';
import {connect, subscribeOrExplain} from '../connection.js';
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
};

export class MosquittoAdapter implements BrokerAdapter {
	readonly flavour = 'mosquitto';
	readonly url: string;
	actions: ActionAvailability = {dynsec: false, reason: 'not probed yet'};
	private state: ConnectionState = {state: 'connected'};
	private readonly stateListeners = new Set<(state: ConnectionState) => void>();
	private readonly dynsec: DynsecClient;
	private readonly now: () => number;
	private readonly logSink: LogTopicSink | undefined;
	readonly dialect: DialectTracker;

	constructor(
		private readonly client: MqttClient,
		readonly store: SessionStore,
		private readonly config: Config,
		options: OpenOptions = {},
	) {
		this.url = brokerUrl(config);
		this.now = options.now ?? Date.now;
		this.logSink = options.logSink;
		this.dialect = options.dialect ?? new DialectTracker();
		this.dynsec = new DynsecClient(client);
		client.on('message', (topic, payload) => this.onMessage(topic, payload));
	}

	private onMessage(topic: string, payload: Buffer): void {
		if (topic.startsWith('$SYS/broker/log/')) {
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
			applySysTopic(this.store, topic, payload.toString());
		}
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
		const subscribed = this.client.subscribeAsync(responseTopic, {qos: 0}).then(
			(granted) => granted.every((g) => g.qos < 128),
			() => false,
		);
		// Sent right behind the SUBSCRIBE: the broker handles them in order, so the response finds the subscription.
		const accounts = this.dynsec.listAccounts(this.config.dynsecTimeout);
		if (!(await subscribed)) {
			accounts.catch(() => {});
			this.actions = {
				dynsec: false,
				reason: `not allowed to subscribe to ${responseTopic}: grant the dynamic-security admin ACLs to use kick/block`,
			};
			return;
		}

		try {
			this.store.setAccounts(await accounts);
			this.actions = {dynsec: true};
		} catch (error) {
			this.actions = {
				dynsec: false,
				reason:
					error instanceof DynsecUnavailable
						? `dynamic-security plugin not available (${error.message}): load mosquitto_dynamic_security.so and grant this account its $CONTROL/dynamic-security/# ACLs`
						: `dynamic security refused: ${(error as Error).message}`,
			};
		}
	}

	private watchConnection(): void {
		// Reconnect only once the first connect proved the settings right.
		this.client.options.reconnectPeriod = 2000;
		const set = (state: ConnectionState) => {
			this.state = state;
			for (const listener of this.stateListeners) listener(state);
		};

		this.client.on('connect', () => set({state: 'connected'}));
		this.client.on('reconnect', () => set({state: 'reconnecting', detail: `reconnecting to ${this.url}`}));
		this.client.on('offline', () => set({state: 'reconnecting', detail: `lost the connection to ${this.url}`}));
		this.client.on('error', (error) => set({state: 'reconnecting', detail: `${this.url}: ${error.message}`}));
	}

	connection(): ConnectionState {
		return this.state;
	}

	onConnectionChange(listener: (state: ConnectionState) => void): () => void {
		this.stateListeners.add(listener);
		return () => this.stateListeners.delete(listener);
	}

	async refreshAccounts(): Promise<void> {
		if (!this.actions.dynsec) return;
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
			intruder = await connect(this.config, {clientId, clean: true, protocolVersion: 4, keepalive: 5});
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
		this.dynsec.close();
		this.client.options.reconnectPeriod = 0;
		await this.client.endAsync(true).catch(() => {});
	}
}

/** Connects, subscribes and probes: the one way the CLI and the monitor open a Mosquitto broker. */
export async function openMosquitto(config: Config, options: OpenOptions = {}): Promise<MosquittoAdapter> {
	const client = await connect(config);
	const adapter = new MosquittoAdapter(client, options.store ?? new SessionStore(), config, options);
	try {
		await adapter.start(options.waitForActions ?? true);
	} catch (error) {
		await adapter.close();
		throw error;
	}

	return adapter;
}
