import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {blocksPath, readBlocks, RestoreFileError, writeBlocks, type BlockRecord} from '../../../source/broker/rabbitmq/restore-file.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-restore-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const record: BlockRecord = {
	version: 1,
	node: 'rabbit',
	blocks: [{user: 'alice', blockedAt: 1, by: 'ops@console', permissions: [{vhost: '/', configure: '.*', write: '.*', read: '.*'}]}],
};

describe('RabbitMQ restore file', () => {
	it('lives in the XDG state directory, named after the node, with no way out of it', () => {
		expect(blocksPath('rabbit-1', {XDG_STATE_HOME: '/state'})).toBe('/state/mqtt-top/rabbitmq/rabbit-1-blocks.json');
		expect(blocksPath('../../etc/x', {XDG_STATE_HOME: '/state'})).toBe('/state/mqtt-top/rabbitmq/__.._etc_x-blocks.json');
		expect(blocksPath('a', {HOME: '/home/op'}).endsWith(path.join('.local', 'state', 'mqtt-top', 'rabbitmq', 'a-blocks.json'))).toBe(true);
	});

	it('reads no file as nothing blocked, and reads back what it wrote (0600 in a 0700 directory, no temporary left)', async () => {
		const file = path.join(dir, 'state', 'mqtt-top', 'rabbitmq', 'rabbit-blocks.json');
		expect(await readBlocks(file, 'rabbit')).toEqual({version: 1, node: 'rabbit', blocks: []});
		await writeBlocks(file, record);
		expect(await readBlocks(file, 'rabbit')).toEqual(record);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
		expect(readdirSync(path.dirname(file))).toEqual(['rabbit-blocks.json']);
	});

	it('fails with the path and reason when it cannot write, leaving the old file as it was', async () => {
		const file = path.join(dir, 'blocks.json');
		await writeBlocks(file, record);
		// A directory where the temporary file would go: the write fails before the rename.
		const blocker = `${file}.${process.pid}.tmp`;
		rmSync(blocker, {force: true});
		mkdirSync(blocker);
		const error = await writeBlocks(file, {...record, blocks: []}).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(RestoreFileError);
		expect((error as Error).message).toMatch(/^cannot write .*blocks\.json: EISDIR/);
		expect(await readBlocks(file, 'rabbit')).toEqual(record);
	});

	it('refuses a file it cannot understand rather than treat it as empty', async () => {
		const file = path.join(dir, 'blocks.json');
		for (const text of [
			'{"version": 1, "blocks": [{"user": ',
			'{"version": 2, "blocks": []}',
			'{"version": 1, "blocks": [{"user": 5, "permissions": []}]}',
		]) {
			writeFileSync(file, text);
			await expect(readBlocks(file, 'rabbit')).rejects.toThrow(/is not a restore file mqtt-top can read/);
			expect(readFileSync(file, 'utf8')).toBe(text);
		}
	});
});
