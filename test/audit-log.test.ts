import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect, test} from 'vitest';
import {appendAudit, formatAuditLine} from '../source/audit-log.js';

test('one line per action, with fields that cannot forge another line', () => {
	const line = formatAuditLine({
		time: new Date('2026-11-22T10:00:00Z'),
		operator: 'ops',
		broker: 'mqtt://b:1883',
		action: 'kick',
		target: 'evil\nid\twith tab',
		outcome: 'ok',
	});
	expect(line).toBe('2026-11-22T10:00:00.000Z\toperator=ops\tbroker=mqtt://b:1883\taction=kick\ttarget=evil\\nid\\twith tab\toutcome=ok\n');
});

test('appending creates the directory and keeps earlier lines', async () => {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'audit-')), 'nested', 'audit.log');
	await appendAudit(file, {broker: 'b', action: 'block', target: 'alice', outcome: 'ok'});
	await appendAudit(file, {broker: 'b', action: 'unblock', target: 'alice', outcome: 'ok'});
	const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
	expect(lines.map((l) => l.split('\t')[3])).toEqual(['action=block', 'action=unblock']);
	expect(lines[0].split('\t')[1]).toBe(`operator=${os.userInfo().username}`);
});
