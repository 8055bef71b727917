import {nodeName} from '../../source/config.js';
import {SessionStore} from '../../source/model/session-store.js';
import {startStormBroker, stormCapacity, type TestBroker} from '../support/broker.js';
import {collectGarbage, log, type FigureOptions} from '../support/figure.js';
import {MonitorHarness} from '../support/monitor-harness.js';
import {populate} from '../support/populate.js';
import {row, type Row} from '../support/report-types.js';
import {median, percentile, round} from '../support/stats.js';
import {runStorm, stormBatch, type StormResult} from '../support/storm.js';
import {typeDuringStorm, type Sample} from './input-latency.js';

type Side = {storms: StormResult[]; samples: Sample[]; tickFrames: number[]};

/**
 * Figure 9: the monitor watching two brokers at once (a fleet, one store per node, the App's
 * fleet view over both) while the storm of figure 2 hits one and the other stays idle. Storms
 * with one broker watched and with two alternate in the same process, so the two columns see the
 * same machine; each is typed at as in figure 5, with the storm node preloaded to ~100,000 sessions.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const preload = options.quick ? 10_000 : 95_000;
	const {clients, note} = stormCapacity(options.quick ? 1000 : 5000);
	const runs = options.runs ?? (options.quick ? 1 : 2);
	const one: Side = {storms: [], samples: [], tickFrames: []};
	const two: Side = {storms: [], samples: [], tickFrames: []};
	const stormed = await startStormBroker();
	let idle: TestBroker | undefined;
	try {
		idle = await startStormBroker();
		for (let run = 0; run < runs; run++) {
			for (const [side, others] of [
				[one, []],
				[two, [idle]],
			] as const) {
				// Named for its node, as the CLI's stores are: a fleet's stores must not share a name.
				const store = new SessionStore({node: nodeName('127.0.0.1', stormed.port)});
				populate(store, preload, {subscriptions: 3, clock: () => Math.floor(Date.now() / 1000), prefix: 'pre-'});
				collectGarbage();
				const before = side.samples.length;
				const storm = await runStorm(stormed, {
					clients,
					batch: stormBatch,
					deadlineMs: 60_000,
					store,
					idle: others,
					async during(adapter, over, idleAdapters) {
						const harness = new MonitorHarness({
							adapter: {node: adapter, store: adapter.store},
							others: idleAdapters.map((a) => ({node: a, store: a.store})),
							refreshSeconds: 1,
							clientId: `bench-monitor-${process.pid}`,
						});
						try {
							await harness.nextFrame(0, 10_000);
							// The fleet's own column and node list must be on screen, or this is not the fleet view.
							if (idleAdapters.length > 0 && !harness.screen().includes('Node'))
								throw new Error(`the monitor of two brokers shows no Node column:\n${harness.screen()}`);
							await typeDuringStorm(harness, over, side.samples);
							side.tickFrames.push(...harness.tickFrames);
						} finally {
							harness.unmount();
						}
					},
				});
				side.storms.push(storm);
				const keys = side.samples.slice(before).map((s) => s.ms ?? Number.POSITIVE_INFINITY);
				log(
					`${others.length ? 'two brokers' : 'one broker'} run ${run + 1}/${runs}: ratio ${round(storm.applied / Math.max(1, storm.reference), 4)}, lag ${round(storm.lagLastMs, 1)} ms, input p95 ${round(percentile(keys, 95), 1)} ms, ${storm.connected} clients${others.length ? `, idle node applied ${storm.idleApplied} events` : ''}`,
				);
			}
		}
	} finally {
		await Promise.all([stormed.stop(), idle?.stop()]);
	}

	const ratio = (side: Side) => median(side.storms.map((s) => (s.reference === 0 ? 0 : s.applied / s.reference)));
	const lag = (side: Side) => median(side.storms.map((s) => s.lagLastMs));
	const keys = (side: Side) => side.samples.map((s) => s.ms ?? Number.POSITIVE_INFINITY);
	const frame = (side: Side) => (side.tickFrames.length ? median(side.tickFrames) : null);
	const ms = (value: number | null) => (value === null ? 'n/a' : `${round(value, 1)} ms`);
	const how = `${clients.toLocaleString('en')} clients stormed one broker, the other idle; ${runs} storms with two brokers watched, alternating with ${runs} with only the stormed one (the one-broker figures here)`;
	return [
		row({
			id: '9a.two-brokers-ratio',
			figure: 'Two brokers (storm on one, other idle): events applied / reference messages',
			// Unrounded, as figure 2: one lost message must not round to 1.
			value: ratio(two),
			unit: '',
			target: '= 1.0 (nothing lost)',
			goal: {op: '=', limit: 1},
			runs: two.storms.map((s) => (s.reference === 0 ? 0 : s.applied / s.reference)),
			detail: [
				how,
				`applied ${two.storms.map((s) => `${s.applied}/${s.reference}`).join(', ')}; one broker: ${ratio(one)}`,
				`the idle node applied ${two.storms.map((s) => s.idleApplied).join(', ')} events during the storms`,
				note,
			]
				.filter(Boolean)
				.join('; '),
		}),
		row({
			id: '9b.two-brokers-lag',
			figure: 'Two brokers: lag, reference last message → store applied it',
			value: round(lag(two), 1),
			unit: 'ms',
			target: '<= 500 ms',
			goal: {op: '<=', limit: 500},
			runs: two.storms.map((s) => round(s.lagLastMs, 1)),
			detail: `one broker: ${ms(lag(one))}`,
		}),
		row({
			id: '9c.two-brokers-frame',
			figure: 'Two brokers: refresh tick → frame during the storm, median',
			value: frame(two) === null ? null : round(frame(two)!, 1),
			unit: 'ms',
			target: '(context)',
			detail: `one broker: ${ms(frame(one))}; ticks ${two.tickFrames.length} (one broker ${one.tickFrames.length}); max ${two.tickFrames.length ? ms(Math.max(...two.tickFrames)) : 'n/a'}`,
		}),
		row({
			id: '9d.two-brokers-input-p95',
			figure: 'Two brokers: input latency p95 during the storm',
			value: round(percentile(keys(two), 95), 1),
			unit: 'ms',
			target: 'p95 <= 50 ms',
			goal: {op: '<=', limit: 50},
			detail: `one broker: ${ms(percentile(keys(one), 95))}; ${two.samples.length} keys (one broker ${one.samples.length}), ${preload.toLocaleString('en')} sessions preloaded on the stormed node`,
		}),
	];
}
