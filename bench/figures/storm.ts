import {startStormBroker, stormCapacity} from '../support/broker.js';
import {log, type FigureOptions} from '../support/figure.js';
import {row, type Row} from '../support/report-types.js';
import {median, round} from '../support/stats.js';
import {runStorm, stormBatch, type StormResult} from '../support/storm.js';

/**
 * Figure 2: a live storm on a real Mosquitto. mqtt-top's engine (openMosquitto + store) and a
 * bare mqtt.js subscriber listen in the same process; the ratio says whether the engine lost
 * anything, the lag whether it fell behind.
 */
export async function measure(options: FigureOptions): Promise<Row[]> {
	const wanted = options.quick ? 1000 : 5000;
	const {clients, note} = stormCapacity(wanted);
	const runs = options.runs ?? (options.quick ? 1 : 3);
	const results: StormResult[] = [];
	const broker = await startStormBroker();
	try {
		for (let run = 0; run < runs; run++) {
			const result = await runStorm(broker, {clients, batch: stormBatch, deadlineMs: 60_000});
			results.push(result);
			log(
				`storm run ${run + 1}/${runs}: ${result.connected}/${clients} clients, reference ${result.reference} msgs, applied ${result.applied}, lag last ${round(result.lagLastMs, 1)} ms (p95 ${round(result.lagP95Ms, 1)}, max ${round(result.lagMaxMs, 1)}), connect ${Math.round(result.connectMs)} ms, leave ${Math.round(result.disconnectMs)} ms${result.failed ? `, ${result.failed} failed: ${result.fleetErrors.join('; ')}` : ''}`,
			);
		}
	} finally {
		await broker.stop();
	}

	const ratios = results.map((r) => (r.reference === 0 ? 0 : r.applied / r.reference));
	const lags = results.map((r) => r.lagLastMs);
	const first = results[0];
	const problems = [
		note,
		results.some((r) => r.timedOut) ? 'a storm hit its 60 s time limit' : undefined,
		results.some((r) => r.failed > 0) ? `${results.reduce((n, r) => n + r.failed, 0)} client operations failed` : undefined,
	].filter(Boolean);
	const how = `${clients.toLocaleString('en')} clients in batches of ${stormBatch} (connect ${Math.round(median(results.map((r) => r.connectMs)))} ms, leave ${Math.round(median(results.map((r) => r.disconnectMs)))} ms), ~${first.reference.toLocaleString('en')} log messages per storm; median of ${runs} storms`;
	return [
		row({
			id: '2a.storm-ratio',
			figure: 'Live storm: events applied / reference messages',
			// Unrounded: one message lost in 23,000 must not round to 1.
			value: median(ratios),
			unit: '',
			target: '= 1.0 (nothing lost)',
			// Above 1 would mean events counted twice: as wrong as lost ones.
			goal: {op: '=', limit: 1},
			runs: ratios,
			detail: [how, `applied ${results.map((r) => `${r.applied}/${r.reference}`).join(', ')}`, ...problems].join('; '),
		}),
		row({
			id: '2b.storm-lag',
			figure: 'Live storm: lag, reference last message → store applied it',
			value: round(median(lags), 1),
			unit: 'ms',
			target: '< 500 ms',
			goal: {op: '<=', limit: 500},
			runs: lags.map((l) => round(l, 1)),
			detail: `per-message lag p95 ${round(median(results.map((r) => r.lagP95Ms)), 1)} ms, max ${round(median(results.map((r) => r.lagMaxMs)), 1)} ms (medians over storms)`,
		}),
	];
}
