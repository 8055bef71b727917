// The soak's fleet: a steady population of real MQTT clients in a process of its own, where
// clients keep leaving (in every way storm-fleet.ts knows) and others take their place, some
// with client IDs never used before (so the set of IDs the monitor has seen keeps growing),
// some reconnecting with the ID of one that left, while connected clients subscribe and
// unsubscribe. Driven over IPC by soak.ts:
//   → {type: 'start', request}   ← {type: 'ramped', stats}, then {type: 'stats', stats} every 10 s
//   → {type: 'pause'}            ← {type: 'paused', stats}   (churn stops; the population stays)
//   → {type: 'close'}            ← {type: 'closed', stats}   (every client disconnects; then exit)
// If the soak goes away (IPC closes), every client is closed and the process exits.
import type {MqttClient} from 'mqtt';
import {inBatches, join, leave, type FleetTarget} from './fleet-clients.js';
import {prng} from './log-generator.js';

export type ChurnAccount = {username: string; password: string};

export type ChurnRequest = {
	url: string;
	prefix: string;
	/** Clients connected at any time (the churn replaces them, it does not change their number). */
	population: number;
	/** Concurrent connects while the population ramps up (see stormBatch). */
	batch: number;
	/** Clients replaced per second: each time one leaves and another joins. */
	replacementsPerSecond: number;
	/** Share of joins with a client ID never used before; the others reuse the ID of a client that left. */
	newIdShare: number;
	/** Subscribes and unsubscribes per second, on connected clients. */
	subscriptionOpsPerSecond: number;
	/** Client n uses account n mod accounts.length. */
	accounts: ChurnAccount[];
	seed: number;
};

export type ChurnStats = {
	/** Clients connected now, as this fleet knows them (CONNACK received, not closed since). */
	live: number;
	joins: number;
	leaves: number;
	/** Joins under an ID never used before, and under the ID of a client that left. */
	newIds: number;
	reusedIds: number;
	subscribes: number;
	unsubscribes: number;
	/** Connections the broker closed without being asked (the fleet then replaces them). */
	lost: number;
	failures: number;
	/** Ticks when too many operations were still under way to start more (the fleet fell behind). */
	skippedTicks: number;
	/** Distinct client IDs used so far. */
	idsUsed: number;
	errors: string[];
};

/** A set of numbers with a uniformly random pick in O(1). */
class Pool {
	private readonly items: number[] = [];
	private readonly index = new Map<number, number>();

	get size(): number {
		return this.items.length;
	}

	add(n: number): void {
		if (this.index.has(n)) return;
		this.index.set(n, this.items.length);
		this.items.push(n);
	}

	delete(n: number): void {
		const i = this.index.get(n);
		if (i === undefined) return;
		const last = this.items.pop()!;
		if (last !== n) {
			this.items[i] = last;
			this.index.set(last, i);
		}

		this.index.delete(n);
	}

	/** Removes and returns a random member, or undefined when empty. */
	take(random: () => number): number | undefined {
		if (this.items.length === 0) return undefined;
		const n = this.items[Math.floor(random() * this.items.length)];
		this.delete(n);
		return n;
	}

	pick(random: () => number): number | undefined {
		return this.items.length === 0 ? undefined : this.items[Math.floor(random() * this.items.length)];
	}
}

const tickMs = 100;
/** Operations under way beyond which a tick starts nothing new: a slow broker is not buried. */
const maxInFlight = 200;

export class ChurnFleet {
	private readonly clients = new Map<number, MqttClient>();
	/** Connected and idle: may be picked to leave or to (un)subscribe. */
	private readonly idle = new Pool();
	/** IDs of clients that left, ready to be reused. */
	private readonly gone = new Pool();
	/** Clients that hold their extra subscription. */
	private readonly extra = new Set<number>();
	private next = 0;
	private inFlight = 0;
	private joining = 0;
	private leaving = 0;
	private timer: NodeJS.Timeout | undefined;
	private carry = {replace: 0, subscription: 0};
	private readonly random: () => number;
	private readonly idle0: Array<() => void> = [];
	readonly stats: ChurnStats = {
		live: 0,
		joins: 0,
		leaves: 0,
		newIds: 0,
		reusedIds: 0,
		subscribes: 0,
		unsubscribes: 0,
		lost: 0,
		failures: 0,
		skippedTicks: 0,
		idsUsed: 0,
		errors: [],
	};

	constructor(private readonly request: ChurnRequest) {
		this.random = prng(request.seed);
	}

	private target(n: number): FleetTarget {
		const account = this.request.accounts[n % this.request.accounts.length];
		return {url: this.request.url, prefix: this.request.prefix, username: account?.username, password: account?.password};
	}

	private fail(error: unknown): void {
		this.stats.failures++;
		if (this.stats.errors.length < 5) this.stats.errors.push(String((error as Error)?.message ?? error));
	}

	snapshot(): ChurnStats {
		return {...this.stats, live: this.clients.size, idsUsed: this.next, errors: [...this.stats.errors]};
	}

	private async track<T>(work: Promise<T>): Promise<T> {
		this.inFlight++;
		try {
			return await work;
		} finally {
			this.inFlight--;
			if (this.inFlight === 0) for (const done of this.idle0.splice(0)) done();
		}
	}

	private async joinOne(n: number): Promise<void> {
		this.joining++;
		try {
			const client = await this.track(join(this.target(n), n));
			this.clients.set(n, client);
			this.idle.add(n);
			this.stats.joins++;
			// Closed by the broker rather than by us: count it and let the population top up.
			client.once('close', () => {
				if (this.clients.get(n) !== client) return;
				this.clients.delete(n);
				this.idle.delete(n);
				this.extra.delete(n);
				this.gone.add(n);
				this.stats.lost++;
			});
		} catch (error) {
			this.gone.add(n);
			this.fail(error);
		} finally {
			this.joining--;
		}
	}

	private newId(): number {
		this.stats.newIds++;
		return this.next++;
	}

	/** Connects the whole population (`batch` at a time). */
	async ramp(): Promise<void> {
		const numbers = Array.from({length: this.request.population}, () => this.newId());
		await inBatches(numbers, this.request.batch, Number.POSITIVE_INFINITY, (n) => this.joinOne(n));
	}

	private async replaceOne(): Promise<void> {
		const n = this.idle.take(this.random);
		if (n === undefined) return;
		const client = this.clients.get(n)!;
		// Gone from our books before the socket closes, so its 'close' is not counted as lost.
		this.clients.delete(n);
		this.extra.delete(n);
		this.leaving++;
		try {
			await this.track(leave(this.target(n), client, n, Math.floor(this.random() * 10)));
			this.stats.leaves++;
		} catch (error) {
			client.end(true);
			this.fail(error);
		} finally {
			this.leaving--;
		}

		this.gone.add(n);
		await this.joinReplacement();
	}

	private async joinReplacement(): Promise<void> {
		const reuse = this.random() >= this.request.newIdShare ? this.gone.take(this.random) : undefined;
		if (reuse !== undefined) this.stats.reusedIds++;
		await this.joinOne(reuse ?? this.newId());
	}

	private async toggleSubscription(): Promise<void> {
		const n = this.idle.pick(this.random);
		if (n === undefined) return;
		const client = this.clients.get(n)!;
		this.idle.delete(n);
		const topic = `soak/${n % 50}/${n}/extra`;
		try {
			if (this.extra.has(n)) {
				await this.track(client.unsubscribeAsync(topic));
				this.extra.delete(n);
				this.stats.unsubscribes++;
			} else {
				await this.track(client.subscribeAsync(topic, {qos: 1}));
				this.extra.add(n);
				this.stats.subscribes++;
			}
		} catch (error) {
			this.fail(error);
		}

		if (this.clients.get(n) === client) this.idle.add(n);
	}

	private tick(): void {
		this.carry.replace += (this.request.replacementsPerSecond * tickMs) / 1000;
		this.carry.subscription += (this.request.subscriptionOpsPerSecond * tickMs) / 1000;
		if (this.inFlight >= maxInFlight) {
			this.stats.skippedTicks++;
			return;
		}

		for (; this.carry.replace >= 1; this.carry.replace--) void this.replaceOne();
		for (; this.carry.subscription >= 1; this.carry.subscription--) void this.toggleSubscription();
		// Top up after lost connections or failed joins, so the population stays steady.
		const missing = this.request.population - this.clients.size - this.joining - this.leaving;
		for (let i = 0; i < Math.min(missing, 10); i++) void this.joinReplacement();
	}

	startChurn(): void {
		this.timer ??= setInterval(() => this.tick(), tickMs);
	}

	/** Stops the churn and resolves once every operation under way has finished. */
	async pause(): Promise<void> {
		clearInterval(this.timer);
		this.timer = undefined;
		if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle0.push(resolve));
	}

	async close(): Promise<void> {
		await this.pause();
		const all = [...this.clients.values()];
		this.clients.clear();
		await Promise.allSettled(all.map((c) => c.endAsync(true)));
	}
}

type Command = {type: 'start'; request: ChurnRequest} | {type: 'pause'} | {type: 'close'};

if (process.send) {
	let fleet: ChurnFleet | undefined;
	let reporter: NodeJS.Timeout | undefined;
	const send = (message: unknown) => {
		if (process.connected) process.send!(message);
	};

	// Ctrl-C reaches the whole process group: the soak decides when the fleet goes.
	process.on('SIGINT', () => {});
	process.once('disconnect', () => {
		clearInterval(reporter);
		const ending = fleet?.close() ?? Promise.resolve();
		void Promise.race([ending, new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(0));
	});
	process.on('message', (command: Command) => {
		void (async () => {
			try {
				if (command.type === 'start') {
					fleet = new ChurnFleet(command.request);
					await fleet.ramp();
					send({type: 'ramped', stats: fleet.snapshot()});
					fleet.startChurn();
					reporter = setInterval(() => send({type: 'stats', stats: fleet!.snapshot()}), 10_000);
				} else if (command.type === 'pause') {
					clearInterval(reporter);
					await fleet?.pause();
					send({type: 'paused', stats: fleet?.snapshot()});
				} else {
					clearInterval(reporter);
					await fleet?.close();
					process.send!({type: 'closed', stats: fleet?.snapshot()}, () => process.exit(0));
				}
			} catch (error) {
				send({type: 'error', error: String((error as Error)?.stack ?? error)});
			}
		})();
	});
}
