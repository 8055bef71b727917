import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect, test} from 'vitest';
import {JournalWriter, journalPath, journalTimeline, readJournal} from '../../source/history/journal.js';
import {Recorder} from '../../source/history/recorder.js';
import {SessionStore} from '../../source/model/session-store.js';
import {connect, disconnect, t0} from '../ui/support/fixtures.js';

const online = (store: SessionStore) =>
	store
		.rows()
		.filter((s) => s.status === 'online')
		.map((s) => s.clientId)
		.sort();

test('the journal lives in the state directory, one file per node, whatever the node is named', () => {
	expect(journalPath('edge-1', {XDG_STATE_HOME: '/state'})).toBe('/state/mqtt-top/history/edge-1.jsonl');
	expect(journalPath('../../etc/x', {XDG_STATE_HOME: '/state'})).toBe('/state/mqtt-top/history/__.._etc_x.jsonl');
});

test('what the monitor saw is written 0600 and read back as the sessions at any moment of the run', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-journal-'));
	const file = path.join(dir, 'history', 'node.jsonl');
	const store = new SessionStore();
	const recorder = new Recorder(store, () => t0 - 1000, undefined, new JournalWriter(file, t0 - 1000));
	connect(store, [{id: 'a'}, {id: 'b'}], t0);
	disconnect(store, 'a', t0 + 60_000);
	recorder.close(t0 + 120_000);
	expect(statSync(file).mode & 0o777).toBe(0o600);
	expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);

	const timeline = readJournal(file, t0 + 200_000)!;
	expect(timeline.begins).toBe(t0 - 1000);
	expect(online(timeline.at(t0 + 30_000))).toEqual(['a', 'b']);
	expect(online(timeline.at(t0 + 90_000))).toEqual(['b']);
});

test('sessions the monitor knew before it began recording are in every moment of its history, from memory and from the journal', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-journal-'));
	const file = path.join(dir, 'history', 'node.jsonl');
	// Learned before the recorder starts (a replayed log, a first listing): no event of theirs is recorded.
	const store = new SessionStore();
	connect(store, [
		{id: 'early-1', user: 'gw', subscriptions: [['plant/+/temp', 1]]},
		{id: 'early-2', user: 'gw'},
	]);
	const recorder = new Recorder(store, () => t0 + 10_000, undefined, new JournalWriter(file, t0 + 10_000));
	connect(store, [{id: 'late'}], t0 + 20_000);
	disconnect(store, 'early-2', t0 + 30_000);
	const inMemory = recorder.timeline(t0 + 40_000);
	recorder.close(t0 + 40_000);
	const fromDisk = readJournal(file, t0 + 50_000)!;
	for (const timeline of [inMemory, fromDisk]) {
		expect(online(timeline.at(t0 + 15_000))).toEqual(['early-1', 'early-2']);
		expect(online(timeline.at(t0 + 35_000))).toEqual(['early-1', 'late']);
		const early = timeline.at(t0 + 35_000).sessions.get('early-1')!;
		expect(early.username).toBe('gw');
		expect([...early.subscriptions]).toEqual([['plant/+/temp', 1]]);
	}
});

test('between two runs nothing was watched: a gap, and the second run starts from what it sees', () => {
	const start = (time: number) => JSON.stringify({type: 'start', time});
	const connectEvent = (id: string, time: number) =>
		JSON.stringify({
			type: 'connect',
			time,
			clientId: id,
			address: '127.0.0.1',
			port: 1,
			protocol: '3.1.1',
			cleanSession: true,
			keepAlive: 60,
		});
	const text = [
		start(t0),
		connectEvent('a', t0 + 1000),
		JSON.stringify({type: 'end', time: t0 + 5000}),
		start(t0 + 60_000),
		connectEvent('b', t0 + 61_000),
		'{"type":"connect","ti', // cut by a crash mid-write
	].join('\n');
	const timeline = journalTimeline([text], t0 + 100_000)!;
	expect(timeline.gaps).toEqual([{from: t0 + 5000, to: t0 + 60_000, kind: 'unwatched', why: expect.stringContaining('not running')}]);
	expect(online(timeline.at(t0 + 2000))).toEqual(['a']);
	expect(online(timeline.at(t0 + 62_000))).toEqual(['b']);
	expect(journalTimeline([''], t0)).toBeUndefined();
});

test('past its limit the journal is rotated to .1, and both are read', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-journal-'));
	const file = path.join(dir, 'node.jsonl');
	const writer = new JournalWriter(file, t0, 200);
	for (let i = 0; i < 10; i++) {
		writer.record({
			type: 'connect',
			time: t0 + i * 1000,
			clientId: `c${i}`,
			address: '127.0.0.1',
			port: i,
			protocol: '3.1.1',
			cleanSession: false,
			keepAlive: 60,
		});
		writer.flush();
	}

	writer.close(t0 + 20_000);
	expect(readFileSync(`${file}.1`, 'utf8').length).toBeGreaterThan(0);
	expect(statSync(file).size).toBeLessThan(600);
	const timeline = readJournal(file, t0 + 30_000)!;
	// The oldest lines went with the older .1: the history begins later, at what is still kept.
	expect(online(timeline.at(t0 + 30_000))).toContain('c9');
	expect(online(timeline.at(t0 + 30_000)).length).toBeLessThan(10);
});

test('a journal that cannot be written stops recording and says why', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-journal-'));
	writeFileSync(path.join(dir, 'file'), '');
	expect(() => new JournalWriter(path.join(dir, 'file', 'node.jsonl'), t0)).toThrow(/ENOTDIR|EEXIST/);
});
