import {appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {generateLog} from '../../../../source/broker/mosquitto/log-file/synthetic.js';
import {type LogFile, openLogFile} from '../../../../source/broker/mosquitto/log-file/open.js';
import type {ReplayProgress} from '../../../../source/broker/mosquitto/log-file/replay.js';
import {UserError} from '../../../../source/errors.js';
import {SessionStore} from '../../../../source/model/session-store.js';

let dir: string;
let logPath: string;
const opened: LogFile[] = [];

beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-logfile-'));
	logPath = path.join(dir, 'mosquitto.log');
});

afterEach(async () => {
	for (const file of opened.splice(0)) await file.close();
	rmSync(dir, {recursive: true, force: true});
});

async function open(store = new SessionStore(), options: Parameters<typeof openLogFile>[2] = {}) {
	const file = await openLogFile(logPath, store, {pollMs: 20, ...options});
	opened.push(file);
	return {file, store};
}

let clock = 1_795_400_000;
/** Log lines as Mosquitto writes them, one second apart. */
const lines = (...messages: string[]) => messages.map((m) => `${clock++}: ${m}\n`).join('');
const start = () => lines('mosquitto version 2.0.11 starting', 'Config loaded from /etc/mosquitto/mosquitto.conf.');
const connect = (id: string, clean = 1) =>
	lines(
		`New connection from 10.0.0.1:4000 on port 1883.`,
		`New client connected from 10.0.0.1:4000 as ${id} (p2, c${clean}, k60, u'fleet').`,
	);
const gone = (id: string) => lines(`Client ${id} disconnected.`);
const ids = (store: SessionStore) => [...store.sessions.keys()].sort();

describe('bootstrap: replay from the most recent broker start', () => {
	test('in the live file: sessions of the previous broker process are not resurrected', async () => {
		writeFileSync(logPath, start() + connect('old-process') + start() + connect('a') + connect('b') + gone('b'));
		const {file, store} = await open();
		const stats = await file.replayed;
		expect(ids(store)).toEqual(['a']);
		expect(stats).toMatchObject({startFound: true, files: [logPath]});
		// Only the lines after the last start were read.
		expect(stats.lines).toBe(2 + 2 + 2 + 1);
	});

	test('in a plain rotated file (.1) when the broker is older than the live file', async () => {
		writeFileSync(`${logPath}.1`, start() + connect('a') + connect('b'));
		writeFileSync(logPath, connect('c') + gone('a'));
		const {file, store} = await open();
		expect(await file.replayed).toMatchObject({startFound: true, files: [`${logPath}.1`, logPath]});
		expect(ids(store)).toEqual(['b', 'c']);
	});

	test('in a compressed rotated file (.2.gz), through .1.gz and .1 names alike', async () => {
		writeFileSync(`${logPath}.3.gz`, gzipSync(start() + connect('older-process')));
		writeFileSync(`${logPath}.2.gz`, gzipSync(connect('before-start') + start() + connect('a', 0) + connect('x')));
		writeFileSync(`${logPath}.1`, connect('b') + gone('x'));
		writeFileSync(logPath, connect('c') + gone('a'));
		const {file, store} = await open();
		expect(await file.replayed).toMatchObject({startFound: true, files: [`${logPath}.2.gz`, `${logPath}.1`, logPath]});
		expect(ids(store)).toEqual(['a', 'b', 'c']);
		expect(store.get('a')).toMatchObject({status: 'offline', cleanSession: false});
	});

	test('without any start line, everything left is replayed, oldest first, and said so', async () => {
		writeFileSync(`${logPath}.1.gz`, gzipSync(connect('a') + connect('b')));
		writeFileSync(logPath, gone('a'));
		const {file, store} = await open();
		expect(await file.replayed).toMatchObject({startFound: false, files: [`${logPath}.1.gz`, logPath]});
		expect(ids(store)).toEqual(['b']);
	});

	test('a corrupt rotated file ends the search there, with a warning, and the rest still replays', async () => {
		writeFileSync(`${logPath}.3.gz`, gzipSync(start() + connect('beyond-the-gap')));
		writeFileSync(`${logPath}.2.gz`, Buffer.from('not gzip at all'));
		writeFileSync(`${logPath}.1`, connect('a'));
		writeFileSync(logPath, connect('b'));
		const {file, store} = await open();
		const stats = await file.replayed;
		expect(stats).toMatchObject({startFound: false, files: [`${logPath}.1`, logPath]});
		expect(stats.warnings).toEqual([expect.stringContaining(`${logPath}.2.gz`)]);
		expect(ids(store)).toEqual(['a', 'b']);
	});

	test('reports progress while searching and replaying, ending at the total', async () => {
		writeFileSync(`${logPath}.1`, generateLog({lines: 50_000}));
		writeFileSync(logPath, generateLog({lines: 150_000, startSeconds: 1_795_400_000}).replace(/^.*mosquitto version.*\n/m, ''));
		const progress: ReplayProgress[] = [];
		const {file} = await open(undefined, {onProgress: (p) => progress.push(p)});
		const stats = await file.replayed;
		const replaying = progress.filter((p) => p.phase === 'replaying');
		expect(progress[0].phase).toBe('searching');
		expect(replaying.length).toBeGreaterThan(3);
		for (let i = 1; i < replaying.length; i++) expect(replaying[i].bytesDone).toBeGreaterThanOrEqual(replaying[i - 1].bytesDone);
		expect(replaying.at(-1)).toMatchObject({bytesDone: stats.bytes, bytesTotal: stats.bytes, lines: stats.lines});
		expect(stats.lines).toBe(200_000 - 1);
	});

	test('yields to the event loop while replaying a large log', async () => {
		writeFileSync(logPath, generateLog({lines: 300_000}));
		let turns = 0;
		let done = false;
		const spin = () => {
			turns++;
			if (!done) setImmediate(spin);
		};

		setImmediate(spin);
		const {file} = await open();
		await file.replayed;
		done = true;
		// One turn at least per 1 MiB chunk (this log is about 20 MiB).
		expect(turns).toBeGreaterThan(10);
	});
});

describe('following the live file', () => {
	test('applies appended lines, a line split across two writes once', async () => {
		writeFileSync(logPath, start() + connect('a'));
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		const text = connect('b');
		appendFileSync(logPath, text.slice(0, 30));
		await file.poll();
		appendFileSync(logPath, text.slice(30));
		await file.poll();
		expect(ids(store)).toEqual(['a', 'b']);
		expect(store.counters.connects).toBe(2);
	});

	test('picks up appended lines on its own', async () => {
		writeFileSync(logPath, start());
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		appendFileSync(logPath, connect('late'));
		await expect.poll(() => store.has('late'), {timeout: 3000}).toBe(true);
	});

	test('keeps reading while the log is written every few milliseconds (watch events never starve it)', async () => {
		writeFileSync(logPath, start());
		const {file, store} = await open(undefined, {pollMs: 1000});
		file.follow();
		await file.replayed;
		let n = 0;
		const writer = setInterval(() => appendFileSync(logPath, connect(`busy-${n++}`)), 2);
		try {
			await new Promise((resolve) => setTimeout(resolve, 400));
			// Long before the 1 s poll, and while the writes go on.
			expect(store.sessions.size).toBeGreaterThan(10);
		} finally {
			clearInterval(writer);
		}
	});

	test('rename rotation: reads the old file to its end before switching to the new one', async () => {
		writeFileSync(logPath, start() + connect('a'));
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		appendFileSync(logPath, connect('b'));
		renameSync(logPath, `${logPath}.1`);
		// Until SIGHUP the broker keeps writing to the renamed file, even after logrotate `create`d a new one.
		appendFileSync(`${logPath}.1`, connect('c'));
		writeFileSync(logPath, '');
		await file.poll();
		appendFileSync(`${logPath}.1`, lines('Reloading config.'));
		appendFileSync(logPath, connect('d') + gone('a'));
		await file.poll();
		await file.poll();
		expect(ids(store)).toEqual(['b', 'c', 'd']);
		expect(store.counters.connects).toBe(4);
		expect(file.status()).toMatchObject({state: 'following', rotations: 1, truncations: 0});
	});

	test('copytruncate: lines written before the copy are recovered from it, none twice', async () => {
		writeFileSync(logPath, start() + connect('a'));
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		appendFileSync(logPath, connect('b')); // not read yet when logrotate copies
		copyFileSync(logPath, `${logPath}.1`);
		truncateSync(logPath, 0);
		appendFileSync(logPath, connect('c'));
		await file.poll();
		expect(ids(store)).toEqual(['a', 'b', 'c']);
		expect(store.counters.connects).toBe(3);
		expect(file.status()).toMatchObject({truncations: 1});
	});

	test('copytruncate noticed even when the file grew back past the old offset between polls', async () => {
		writeFileSync(logPath, start() + connect('a'));
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		await file.poll();
		copyFileSync(logPath, `${logPath}.1`);
		truncateSync(logPath, 0);
		appendFileSync(logPath, connect('b') + connect('c') + connect('d') + gone('b'));
		await file.poll();
		expect(ids(store)).toEqual(['a', 'c', 'd']);
		expect(store.counters.connects).toBe(4);
	});

	test('copytruncate with a compressed copy (.1.gz) recovers from it too', async () => {
		writeFileSync(logPath, start() + connect('a'));
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		appendFileSync(logPath, connect('b'));
		const {readFileSync} = await import('node:fs');
		writeFileSync(`${logPath}.1.gz`, gzipSync(readFileSync(logPath)));
		truncateSync(logPath, 0);
		await file.poll();
		expect(ids(store)).toEqual(['a', 'b']);
	});

	test('a broker restart while following resets the sessions', async () => {
		writeFileSync(logPath, start() + connect('a', 0) + connect('b'));
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		appendFileSync(logPath, lines('mosquitto version 2.0.11 terminating') + start() + connect('c'));
		await file.poll();
		expect(ids(store)).toEqual(['c']);
	});

	test('a line from the topic stream and the file counts once, whichever comes first', async () => {
		writeFileSync(logPath, start());
		const {file, store} = await open();
		file.follow();
		await file.replayed;
		const early = connect('topic-first');
		file.merger.topicMessage('$SYS/broker/log/N', early.split('\n')[1], Date.now());
		appendFileSync(logPath, early + connect('file-first'));
		await file.poll();
		file.merger.topicMessage(
			'$SYS/broker/log/N',
			`${clock - 1}: New client connected from 10.0.0.1:4000 as file-first (p2, c1, k60, u'fleet').`,
			Date.now(),
		);
		expect(ids(store)).toEqual(['file-first', 'topic-first']);
		expect(store.counters.connects).toBe(2);
		expect(file.status().merger.duplicates).toBe(2);
	});

	test('the monitor’s own client ID is left out, as the adapter leaves it out', async () => {
		writeFileSync(
			logPath,
			start() +
				connect('mqtt-top-me') +
				lines("Sending PUBLISH to mqtt-top-me (d0, q0, r0, m0, '$SYS/broker/log/N', ... (62 bytes))") +
				connect('device'),
		);
		const {file, store} = await open(undefined, {ignoreClientId: 'mqtt-top-me'});
		await file.replayed;
		expect(ids(store)).toEqual(['device']);
	});
});

describe('log_timestamp false', () => {
	test('replayed lines are spread between the files’ last writes, in order', async () => {
		const t1 = 1_795_000_000;
		const t2 = t1 + 3600;
		const plain = (text: string) => text.replace(/^\d+: /gm, '');
		writeFileSync(`${logPath}.1`, plain(start() + connect('a')));
		writeFileSync(logPath, plain(connect('b') + lines('Config loaded from x.') + connect('c')));
		utimesSync(`${logPath}.1`, t1, t1);
		utimesSync(logPath, t2, t2);
		const {file, store} = await open();
		expect((await file.replayed).timestampFormat).toBe('none');
		const [a, b, c] = ['a', 'b', 'c'].map((id) => store.get(id)!.connectedAt!);
		expect(a).toBeLessThanOrEqual(t1 * 1000);
		expect(b).toBeGreaterThanOrEqual(t1 * 1000);
		expect(b).toBeLessThan(c);
		expect(c).toBeLessThanOrEqual(t2 * 1000);
	});
});

describe('errors the operator can fix', () => {
	test('a missing file', async () => {
		await expect(openLogFile(path.join(dir, 'nope.log'), new SessionStore())).rejects.toThrow(UserError);
		await expect(openLogFile(path.join(dir, 'nope.log'), new SessionStore())).rejects.toThrow(/ENOENT.*log_dest file/);
	});

	test('a timestamp format it cannot read back', async () => {
		writeFileSync(logPath, start());
		await expect(openLogFile(logPath, new SessionStore(), {timestampFormat: '%Y %Q'})).rejects.toThrow(
			/--log-timestamp-format '%Y %Q': unsupported strftime directive %Q/,
		);
	});
});
