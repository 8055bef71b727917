import {describe, expect, test} from 'vitest';
import {type Timeline, TimelineBuilder, TimelineError} from '../../source/history/timeline.js';

// Lines as Mosquitto 2.0.11 writes them with `log_timestamp true` (Unix seconds).
const t0 = 1_796_223_600; // 2026-12-02T09:00:00Z
const at = (s: number) => (t0 + s) * 1000;
const line = (s: number, message: string) => `${t0 + s}: ${message}\n`;
const connect = (s: number, id: string, port: number) => line(s, `New client connected from 127.0.0.1:${port} as ${id} (p2, c1, k60).`);
const leave = (s: number, id: string) => line(s, `Client ${id} disconnected.`);
const start = (s: number) => line(s, 'mosquitto version 2.0.11 starting');

function build(files: Array<[string, string]>, rotationGapMs?: number): Timeline {
	const builder = new TimelineBuilder('unix', {rotationGapMs});
	for (const [name, text] of files) {
		builder.file(name);
		// Split mid-line, as reads from disk do.
		const bytes = Buffer.from(text);
		const cut = Math.floor(bytes.length / 2);
		builder.push(bytes.subarray(0, cut));
		builder.push(bytes.subarray(cut));
	}

	return builder.finish();
}

const online = (timeline: Timeline, time: number) =>
	timeline
		.at(time)
		.rows()
		.filter((s) => s.status === 'online')
		.map((s) => s.clientId)
		.sort();

describe('a timeline of one broker run', () => {
	const timeline = build([
		['mosquitto.log', start(0) + connect(10, 'A', 40001) + connect(20, 'B', 40002) + leave(40, 'A') + connect(50, 'C', 40003)],
	]);

	test('knows where the log begins and ends', () => {
		expect(timeline.begins).toBe(at(0));
		expect(timeline.ends).toBe(at(50));
		expect(timeline.gaps).toEqual([]);
	});

	test('each moment shows the sessions online then, an event counting from its own second', () => {
		expect(online(timeline, at(5))).toEqual([]);
		expect(online(timeline, at(10))).toEqual(['A']);
		expect(online(timeline, at(39))).toEqual(['A', 'B']);
		expect(online(timeline, at(45))).toEqual(['B']);
		expect(online(timeline, at(3600))).toEqual(['B', 'C']);
	});

	test('a moment is rebuilt from scratch: looking at a later one does not leak into an earlier one', () => {
		timeline.at(at(100));
		expect(online(timeline, at(15))).toEqual(['A']);
		expect(timeline.at(at(15)).get('A')?.connectedAt).toBe(at(10));
	});

	test('connects and leaves near a moment are told apart and timed', () => {
		const changes = timeline.changesAround(at(40), 10_000);
		expect(changes.get('A')).toEqual({time: at(40), kind: 'left'});
		expect(changes.get('C')).toEqual({time: at(50), kind: 'connected'});
		expect(changes.has('B')).toBe(false);
	});
});

describe('broker restarts', () => {
	const timeline = build([
		['mosquitto.log', start(0) + connect(10, 'A', 40001) + connect(20, 'B', 40002) + start(60) + connect(70, 'C', 40003)],
	]);

	test('every session online before a start is gone after it', () => {
		expect(online(timeline, at(59))).toEqual(['A', 'B']);
		expect(online(timeline, at(60))).toEqual([]);
		expect(online(timeline, at(70))).toEqual(['C']);
	});

	test('a restart is a gap from the last line before it to the start line; the first start is not', () => {
		expect(timeline.gaps).toEqual([
			{from: at(20), to: at(60), kind: 'restart', why: expect.stringMatching(/broker restarted.*2\.0\.11.*dropped/)},
		]);
		expect(timeline.gapsAround(at(30)).map((gap) => gap.kind)).toEqual(['restart']);
		expect(timeline.gapsAround(at(65))).toEqual([]);
	});
});

describe('rotated files', () => {
	const old = start(0) + connect(10, 'A', 40001) + connect(20, 'B', 40002);
	const newer = leave(300, 'A') + connect(310, 'C', 40003);

	test('are read in order: the state carries across the rotation', () => {
		const timeline = build([
			['mosquitto.log.1', old],
			['mosquitto.log', newer],
		]);
		expect(online(timeline, at(25))).toEqual(['A', 'B']);
		expect(online(timeline, at(305))).toEqual(['B']);
		expect(online(timeline, at(400))).toEqual(['B', 'C']);
		expect(timeline.files).toEqual(['mosquitto.log.1', 'mosquitto.log']);
	});

	test('a silence across a rotation beyond the threshold is a gap, a short one is not', () => {
		const gapped = build(
			[
				['mosquitto.log.1', old],
				['mosquitto.log', newer],
			],
			60_000,
		);
		expect(gapped.gaps).toEqual([{from: at(20), to: at(300), kind: 'rotation', why: expect.stringContaining('mosquitto.log')}]);
		expect(gapped.gapsAround(at(100))).toHaveLength(1);
		expect(gapped.gapsAround(at(10))).toHaveLength(0);

		const close = build(
			[
				['mosquitto.log.1', old],
				['mosquitto.log', newer],
			],
			600_000,
		);
		expect(close.gaps).toEqual([]);
	});
});

test('a log without timestamps cannot be searched by time', () => {
	expect(() => new TimelineBuilder('none')).toThrow(TimelineError);
});

test('a log with no timestamped line has no beginning', () => {
	const builder = new TimelineBuilder('unix');
	builder.file('empty.log');
	expect(() => builder.finish()).toThrow(/no timestamped line/);
});
