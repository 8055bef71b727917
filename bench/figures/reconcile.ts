import type {SessionSnapshot} from '../../source/broker/driver.js';
import {SessionStore} from '../../source/model/session-store.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {prng} from '../support/log-generator.js';
import {row, type Row} from '../support/report-types.js';
import {median, round} from '../support/stats.js';

const pageSize = 10_000;
const mb = (bytes: number) => bytes / 2 ** 20;

type ListedJson = Omit<SessionSnapshot, 'subscriptions'> & {subscriptions: Array<[string, number]>};

/** One poll's answer as a broker's REST API would send it: a JSON text per page. */
function pagesJson(sessions: number, time: number): string[] {
	const random = prng(42);
	const pages: string[] = [];
	for (let start = 0; start < sessions; start += pageSize) {
		const page: ListedJson[] = [];
		for (let i = start; i < Math.min(sessions, start + pageSize); i++) {
			const online = i % 10 !== 0;
			page.push({
				clientId: `sensor-${i.toString().padStart(6, '0')}-${Math.floor(random() * 1e6)}`,
				username: `gw${i % 500}`,
				address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
				port: 20_000 + (i % 40_000),
				protocol: i % 3 === 0 ? '5.0' : '3.1.1',
				cleanSession: online,
				keepAlive: 60,
				connectedAt: time - 3_600_000 + i,
				online,
				subscriptions: [
					[`fleet/${i % 500}/cmd`, 1],
					[`fleet/all/#`, 0],
					[`devices/${i}/config`, 1],
				],
				queued: online ? 0 : i % 7,
			});
		}

		pages.push(JSON.stringify(page));
	}

	return pages;
}

/** One page as a driver hands it to the store: parsed afresh (new strings and objects, as a real poll makes). */
function parsePage(text: string): SessionSnapshot[] {
	return (JSON.parse(text) as ListedJson[]).map((listed) => ({...listed, subscriptions: new Map(listed.subscriptions)}));
}

/**
 * One poll round, page by page as a driver would (only the page in hand is alive). The clock and
 * the CPU meter run only inside reconcile: parsing is the driver's cost.
 */
function reconcileRound(store: SessionStore, pages: string[], time: number): {ms: number; cpuMs: number} {
	let ms = 0;
	let cpuMs = 0;
	for (let p = 0; p < pages.length; p++) {
		const page = parsePage(pages[p]);
		const cpu = process.cpuUsage();
		const started = performance.now();
		store.reconcile(page, p === pages.length - 1, time);
		ms += performance.now() - started;
		const used = process.cpuUsage(cpu);
		cpuMs += (used.user + used.system) / 1000;
	}

	return {ms, cpuMs};
}

/**
 * A first listing into an empty store, then the same listing again (the next poll), and the heap
 * the store holds after GC. A function of its own, so no stack slot keeps an earlier run's store.
 */
function run(json: string[], time: number, sessions: number) {
	collectGarbage();
	const empty = process.memoryUsage().heapUsed;
	const store = new SessionStore();
	const one = reconcileRound(store, json, time);
	const revision = store.revision;
	// Polls are seconds apart: the next starts with the last one's garbage collected.
	collectGarbage();
	const two = reconcileRound(store, json, time + 5_000);
	if (store.revision !== revision) throw new Error('an identical listing changed the store');
	collectGarbage();
	const heap = mb(process.memoryUsage().heapUsed - empty);
	if (store.sessions.size !== sessions) throw new Error(`expected ${sessions} sessions, have ${store.sessions.size}`);
	return {one, two, heap};
}

/**
 * Figure 8: a snapshot (REST) driver's poll of 100,000 sessions (pages of 10,000, 90 % online,
 * 3 subscriptions each) reconciled into an empty store, then the same listing again (the usual
 * poll: nothing changed), and the heap the store holds after it.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	if (!(globalThis as {gc?: unknown}).gc) throw new Error('run node with --expose-gc');
	const sessions = options.quick ? 20_000 : 100_000;
	const runs = options.runs ?? (options.quick ? 1 : 5);
	const time = Date.UTC(2026, 0, 1);
	const first: number[] = [];
	const repeat: number[] = [];
	const firstCpu: number[] = [];
	const repeatCpu: number[] = [];
	const heaps: number[] = [];
	const json = pagesJson(sessions, time);
	for (let i = 0; i < runs; i++) {
		const {one, two, heap} = run(json, time, sessions);
		first.push(one.ms);
		firstCpu.push(one.cpuMs);
		repeat.push(two.ms);
		repeatCpu.push(two.cpuMs);
		heaps.push(heap);
		log(
			`reconcile run ${i + 1}/${runs}: first ${round(one.ms, 1)} ms (CPU ${round(one.cpuMs, 1)} ms), repeat ${round(two.ms, 1)} ms (CPU ${round(two.cpuMs, 1)} ms), store heap ${round(heaps.at(-1)!, 1)} MB`,
		);
	}

	const size = sessions.toLocaleString('en');
	const how = `${size} sessions in pages of ${pageSize.toLocaleString('en')}, 90 % online, 3 subscriptions each; median of ${runs} runs`;
	return [
		row({
			id: '8a.reconcile-first',
			figure: `Snapshot reconcile: first ${size}-session listing`,
			value: round(median(first), 1),
			unit: 'ms',
			target: '<= 500 ms',
			goal: {op: '<=', limit: 500},
			runs: first.map((ms) => round(ms, 1)),
			detail: `into an empty store: every session a connect; CPU ${round(median(firstCpu), 1)} ms; ${how}`,
		}),
		row({
			id: '8b.reconcile-repeat',
			figure: `Snapshot reconcile: the same ${size}-session listing again`,
			value: round(median(repeat), 1),
			unit: 'ms',
			target: '<= 500 ms',
			goal: {op: '<=', limit: 500},
			runs: repeat.map((ms) => round(ms, 1)),
			detail: `nothing changed, so no revision and no allocation per session; CPU ${round(median(repeatCpu), 1)} ms; ${how}`,
		}),
		row({
			id: '8c.reconcile-heap',
			figure: `Snapshot reconcile: store heap @${size} sessions`,
			value: round(median(heaps), 1),
			unit: 'MB',
			target: '(context)',
			runs: heaps.map((value) => round(value, 1)),
			detail: `heap used after GC by the store alone (listings released), minus the heap before it; ${how}`,
		}),
	];
}
