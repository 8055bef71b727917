// The vocabulary shared by every broker adapter, the store and the views.
// Times are milliseconds since the epoch.

export type Protocol = '3.1' | '3.1.1' | '5.0';
export type SessionStatus = 'online' | 'offline' | 'blocked';

/** Why a connection ended, as a stable machine-readable kind beside the broker's own words. */
export type DisconnectKind =
	| 'client' // the client sent DISCONNECT
	| 'closed' // the socket closed without DISCONNECT
	| 'timeout' // keep-alive exceeded
	| 'protocol' // protocol error, malformed/oversize packet, unsupported feature
	| 'administrative' // dynamic security (kick/block) or another admin action
	| 'takeover' // another connection used the same client ID
	| 'not-authorised'
	| 'error' // socket error (strerror) or out of memory
	| 'expired'; // persistent session expired

export type SessionEvent =
	| {type: 'connection'; time: number; address: string; port: number; listenerPort: number}
	| {
			type: 'connect';
			time: number;
			clientId: string;
			address: string;
			port: number;
			protocol: Protocol;
			cleanSession: boolean;
			keepAlive: number;
			username?: string;
			bridge?: boolean;
	  }
	| {type: 'disconnect'; time: number; clientId: string; kind: DisconnectKind; reason: string}
	| {type: 'takeover'; time: number; clientId: string}
	| {type: 'expire'; time: number; clientId: string}
	| {type: 'auth-failure'; time: number; clientId?: string}
	| {type: 'subscribe'; time: number; clientId: string; topic: string; qos: number}
	| {type: 'unsubscribe'; time: number; clientId: string; topic: string}
	| {type: 'dynsec'; time: number; actor: string; command: string; args: Record<string, string>}
	| {type: 'broker-start'; time: number; version: string}
	| TrafficEvent
	| {type: 'unknown'; time: number; line: string};

/**
 * One packet from a debug line of the broker's file log (`log_type all`/`debug`): `Received PUBLISH
 * from X`, `Sending PUBLISH to X`, `Received PINGREQ from X` … Debug lines are never published on
 * `$SYS/broker/log/#`, so these come only from the log file.
 */
export type TrafficEvent = {
	type: 'traffic';
	time: number;
	clientId: string;
	/** `in`: the client sent it; `out`: the broker sent it to the client. */
	direction: 'in' | 'out';
	/** MQTT packet type as the broker names it: PUBLISH, PINGREQ, CONNACK … */
	packet: string;
	/** Payload bytes of a PUBLISH; 0 for other packets. */
	bytes: number;
};

/** Per-second buckets of PUBLISH counts by log time, behind Session.inPerSecond/outPerSecond. */
export type TrafficWindow = {
	/** The newest second (log time, in seconds) that has a bucket. */
	second: number;
	in: number[];
	out: number[];
};

/**
 * A client's recent events are the parsed events themselves, kept as they came: describing them
 * (model/history.ts) waits until someone opens the client, so the hot path allocates no text.
 */
export type HistoryEntry = Exclude<SessionEvent, {type: 'connection' | 'broker-start' | 'traffic' | 'unknown'}> | ListedConnect;

/**
 * A connect seen in a polled snapshot rather than a log line: the broker's listing may leave out
 * any of the connection's details.
 */
export type ListedConnect = {
	type: 'connect';
	time: number;
	clientId: string;
	address?: string;
	port?: number;
	protocol?: Protocol;
	cleanSession?: boolean;
	keepAlive?: number;
	username?: string;
};

export type Session = {
	/** The broker (or cluster node) this session is on: sessions are keyed by node and client ID. */
	node: string;
	clientId: string;
	username?: string;
	address?: string;
	port?: number;
	protocol?: Protocol;
	cleanSession?: boolean;
	keepAlive?: number;
	connectedAt?: number;
	/** Topic filter → granted QoS. */
	subscriptions: Map<string, number>;
	status: SessionStatus;
	lastDisconnectReason?: string;
	lastDisconnectAt?: number;
	connectCount: number;
	takeoverCount: number;
	/** Newest last; bounded by the store. */
	history: HistoryEntry[];
	/** When the store first heard of this client ID. */
	firstSeen: number;
	/** The store revision at which this row (re)appeared: lets a view highlight rows new since its last tick. */
	addedRevision: number;
	/** The store revision of the last change to this row: lets a view re-place only what changed. */
	changedRevision: number;
	/** A row the store made for a disabled account that has no known session. */
	accountOnly?: boolean;
	/** Messages the broker holds for the session, where a polled snapshot says. */
	queued?: number;
	/** Internal to the store: the snapshot round that last listed this session. */
	listedInRound?: number;
	// Traffic, known only when the broker's file log has debug lines; undefined otherwise, so views
	// can tell "no data" from "silent".
	/** PUBLISH packets the client sent (denied ones included: the client did send them). */
	messagesIn?: number;
	/** PUBLISH packets the broker sent to the client. */
	messagesOut?: number;
	bytesIn?: number;
	bytesOut?: number;
	/** Last packet of any kind received from the client (or the CONNACK that accepted it). */
	lastSeen?: number;
	/** PUBLISH per second over the last few complete seconds of log time; set by SessionStore.sampleRates. */
	inPerSecond?: number;
	outPerSecond?: number;
	/** Internal to the store: the buckets the rates come from. */
	trafficWindow?: TrafficWindow;
	/** History view only: when the session connected or left near the moment shown (see history/timeline.ts). */
	changedAt?: number;
};

export type BrokerCounters = {
	connected?: number;
	total?: number;
	disconnected?: number;
	maximum?: number;
	expired?: number;
	version?: string;
	uptime?: number;
};

export type Account = {username: string; disabled: boolean; clientId?: string};
