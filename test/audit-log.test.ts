import {chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect, test} from 'vitest';
import {appendAudit, AuditFile, AuditUnwritable, formatAuditLine} from '../source/audit-log.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'audit-'));

test('one line per record, with fields that cannot forge another line', () => {
	const line = formatAuditLine({
		time: new Date('2026-11-22T10:00:00Z'),
		operator: 'ops',
		broker: 'mqtt://b:1883',
		action: 'kick',
		target: 'evil\nid\twith tab',
		outcome: 'done',
		detail: 'kicked',
		id: 'ab12',
	});
	expect(line).toBe(
		'2026-11-22T10:00:00.000Z\toperator=ops\tbroker=mqtt://b:1883\taction=kick\ttarget=evil\\nid\\twith tab\toutcome=done\tdetail=kicked\tid=ab12\n',
	);
});

test('no control, bidi or zero-width character is written raw: each becomes a visible escape', () => {
	const hostile = 'a\u001b[2Jb\u0007c\u009bd\u202Ee\u2066f\u2069g\u200Bh\u200Di\uFEFFj\u2028k\\l';
	const line = formatAuditLine({time: new Date(0), operator: 'o', broker: 'b', action: 'kick', target: hostile, outcome: 'attempted'});
	const target = line.split('\t')[4];
	expect(target).toBe('target=a\\x1b[2Jb\\x07c\\x9bd\\u202ee\\u2066f\\u2069g\\u200bh\\u200di\\ufeffj\\u2028k\\\\l');
	// Byte-wise: printable ASCII and the tab separators and final newline only.
	const bytes = Buffer.from(line, 'utf8');
	expect([...bytes].filter((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a) || b >= 0x7f)).toEqual([]);
});

test('appending creates the directory (0700) and a 0600 file, and keeps earlier lines', async () => {
	const file = path.join(tmp(), 'nested', 'audit.log');
	await appendAudit(file, {broker: 'b', action: 'block', target: 'alice', outcome: 'attempted', id: '1'});
	await appendAudit(file, {broker: 'b', action: 'block', target: 'alice', outcome: 'done', detail: 'blocked', id: '1'});
	const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
	expect(lines.map((l) => l.split('\t')[5])).toEqual(['outcome=attempted', 'outcome=done']);
	expect(lines[0].split('\t')[1]).toBe(`operator=${os.userInfo().username}`);
	expect(statSync(file).mode & 0o777).toBe(0o600);
	expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
});

test('an existing 0644 file is tightened to 0600; a directory the operator named keeps its mode', async () => {
	const dir = tmp();
	chmodSync(dir, 0o755);
	const file = path.join(dir, 'audit.log');
	writeFileSync(file, 'earlier\n', {mode: 0o644});
	chmodSync(file, 0o644);
	await new AuditFile(file).ready();
	expect(statSync(file).mode & 0o777).toBe(0o600);
	expect(statSync(dir).mode & 0o777).toBe(0o755);
	expect(readFileSync(file, 'utf8')).toBe('earlier\n');
});

// These run as root in CI, where chmod 000 stops nothing: a directory in the file's place and
// /dev/full fail for root too.
test('a directory where the file should be cannot be written, and says so in one line', async () => {
	const file = path.join(tmp(), 'audit.log');
	mkdirSync(file);
	await expect(new AuditFile(file).ready()).rejects.toThrow(new AuditUnwritable(`cannot write the audit log ${file} (it is a directory)`));
});

test('/dev/full opens but every write fails, and its mode is left alone', async () => {
	const before = statSync('/dev/full').mode;
	const audit = new AuditFile('/dev/full');
	await audit.ready();
	await expect(audit.append({broker: 'b', action: 'kick', target: 'x', outcome: 'attempted'})).rejects.toThrow(
		'cannot write the audit log /dev/full (no space left on the device)',
	);
	expect(statSync('/dev/full').mode).toBe(before);
});
