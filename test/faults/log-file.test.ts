// The broker's log file mistreated while mqtt-top follows it: truncated with no copy, deleted,
// filled with binary garbage, a 10 MB line. A real Mosquitto writes the file throughout (file
// only, no log topics, so every session seen here was read from the file). Following must survive
// each one, keep reading what the broker writes next, and say in its status what happened.
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {appendFileSync, existsSync, readFileSync, truncateSync, unlinkSync} from 'node:fs';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, afterEach, beforeEach, describe, expect, test} from 'vitest';
import {type LogFile, openLogFile} from '../../source/broker/mosquitto/log-file/open.js';
import {SessionStore} from '../../source/model/session-store.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

const clients: MqttClient[] = [];
let broker: TestBroker;
let store: SessionStore;
let logFile: LogFile;

async function device(clientId: string): Promise<MqttClient> {
	const client = await connectClient(broker.url, {clientId, username: 'alice', password: 'alice-pw'});
	clients.push(client);
	return client;
}

const logged = (text: string) =>
	eventually(() => existsSync(broker.logPath) && readFileSync(broker.logPath, 'utf8').includes(text), `"${text}" in the log`);

function mosquittoPid(): number {
	return Number(
		execFileSync('pgrep', ['-f', path.join(broker.dir, 'mosquitto.conf')], {encoding: 'utf8'})
			.trim()
			.split('\n')[0],
	);
}

/** A client connecting now shows up, read from the file: following still works. */
async function stillFollowing(clientId: string): Promise<void> {
	await device(clientId);
	await eventually(() => store.get(clientId)?.status === 'online', `${clientId} to be read from the file`, 10_000);
}

beforeEach(async () => {
	broker = await startMosquitto({logTopic: false});
	await broker.createUser('alice', 'alice-pw');
	store = new SessionStore();
	logFile = await openLogFile(broker.logPath, store, {pollMs: 50});
	logFile.follow();
	await logFile.replayed;
	await stillFollowing('before');
}, 30_000);

afterEach(async () => {
	for (const client of clients.splice(0)) client.end(true);
	await logFile?.close();
	await broker?.stop();
});

afterAll(() => {
	for (const client of clients) client.end(true);
});

describe('following the log file through faults', () => {
	test('truncated with no .1 copy (not logrotate): goes on from the top, and says lines may be missing', async () => {
		expect(existsSync(`${broker.logPath}.1`)).toBe(false);
		expect(existsSync(`${broker.logPath}.1.gz`)).toBe(false);
		truncateSync(broker.logPath, 0);
		await stillFollowing('after-truncate');
		expect(logFile.status()).toMatchObject({state: 'following', truncations: 1, error: undefined});
		expect(logFile.status().notice).toMatch(/^truncated at \d\d:\d\d:\d\d, no matching \.1 copy: lines just before may be missing$/);
	});

	test('deleted: reads on from the file the broker still writes, says so, and takes the new file after SIGHUP', async () => {
		unlinkSync(broker.logPath);
		await stillFollowing('after-delete');
		// The lines may be read before the next check of the path notices it is gone.
		await eventually(() => logFile.status().notice === 'file gone: reading the copy the broker still has open', 'the notice', 5000);
		process.kill(mosquittoPid(), 'SIGHUP');
		await eventually(() => existsSync(broker.logPath), 'the broker to reopen its log');
		await stillFollowing('after-reopen');
		expect(logFile.status()).toMatchObject({state: 'following', rotations: 1, notice: undefined, error: undefined});
	});

	test('binary garbage between log lines is skipped; no session is made up from it', async () => {
		const garbage = Buffer.concat([
			randomBytes(64 * 1024),
			Buffer.from('\n\u0000\u001b[2J\xff\xfe New client connected from \n'),
			randomBytes(4096),
			Buffer.from('\n'),
		]);
		appendFileSync(broker.logPath, garbage);
		await stillFollowing('after-garbage');
		expect([...store.sessions.keys()].sort()).toEqual(['after-garbage', 'before']);
		expect(logFile.status()).toMatchObject({state: 'following', error: undefined});
	});

	test('a 10 MB line is skipped whole (its end is not read as a line of its own), and a later start still replays', async () => {
		// The forged connect at the end of the long line would add a session if the tail were parsed.
		const forged = `${Math.floor(Date.now() / 1000)}: New client connected from 10.6.6.6:666 as forged-tail (p2, c1, k60, u'mallory').`;
		appendFileSync(broker.logPath, `${Math.floor(Date.now() / 1000)}: ${'x'.repeat(10 * 1024 * 1024)} ${forged}\n`);
		await stillFollowing('after-long-line');
		expect(store.has('forged-tail')).toBe(false);
		expect(logFile.status()).toMatchObject({state: 'following', error: undefined, notice: '1 over-long line skipped (not a log line)'});

		// The next monitor replays the file back to the broker's start, across the long line.
		await logged('as after-long-line');
		const next = new SessionStore();
		const again = await openLogFile(broker.logPath, next, {pollMs: 50});
		try {
			const stats = await again.replayed;
			expect(stats.startFound).toBe(true);
			expect(again.status().error).toBeUndefined();
			expect(next.get('before')?.status).toBe('online');
			expect(next.get('after-long-line')?.status).toBe('online');
			expect(next.has('forged-tail')).toBe(false);
		} finally {
			await again.close();
		}
	}, 30_000);
});
