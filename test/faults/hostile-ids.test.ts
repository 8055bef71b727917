// Client IDs chosen to hurt: bidi overrides, zero-width characters, CJK, emoji (flags and ZWJ
// sequences), 300 characters, text that reads like a sentence, a leading dash, spreadsheet
// formulas. Real clients with these IDs connect to a real Mosquitto; the built monitor shows them
// in tmux at 80×24 and 40×10 with its columns in line, in the detail view, and `list` prints them
// safely as CSV and JSON.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {MqttClient} from 'mqtt';
import stringWidth from 'string-width';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runCli} from '../support/cli.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {Terminal} from '../support/terminal.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bin/cli.js');

const hostile = {
	bidi: 'invoice\u202Etxt.exe',
	zeroWidth: 'zero\u200Bwidth\u200Cjoin\u200Dend',
	cjk: '温度センサー東京01',
	emoji: '🚀✅⭐☕🫠🇩🇪👩‍💻',
	long: `long-${'x'.repeat(295)}`,
	sentence: 'ops (console) as root',
	dash: '-dash-leading',
	formula: '=cmd|calc',
	plus: '+SUM(A1)',
	at: '@HYPERLINK',
} as const;
const ids: string[] = Object.values(hostile);

let broker: TestBroker;
let dir: string;
const clients: MqttClient[] = [];
const terminal = new Terminal();

beforeAll(async () => {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does)`);
	broker = await startMosquitto();
	await broker.createUser('hostile', 'hostile-pw');
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-hostile-'));
	for (const [i, clientId] of ids.entries()) {
		const client = await connectClient(broker.url, {clientId, username: 'hostile', password: 'hostile-pw', protocolVersion: i % 2 ? 5 : 4});
		await client.subscribeAsync(`devices/${i}/#`, {qos: 1});
		clients.push(client);
	}
}, 30_000);

afterAll(async () => {
	terminal.kill();
	for (const client of clients) client.end(true);
	await broker?.stop();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** The session table: its title line and the rows under it, up to the first line that is not a row. */
function tableLines(screen: string): string[] {
	const lines = screen.split('\n');
	const title = lines.findIndex((l) => l.trimStart().startsWith('Client ID'));
	expect(title, screen).toBeGreaterThanOrEqual(0);
	const rows = [];
	for (const line of lines.slice(title + 1)) {
		if (!/\b(online|offline|blocked)\b|\bhostile\b/.test(line)) break;
		rows.push(line);
	}

	return [lines[title], ...rows];
}

/** Every line of the table takes the same number of cells, measured as Ink measures. */
function expectAligned(screen: string): void {
	const table = tableLines(screen);
	expect(table.length, screen).toBeGreaterThanOrEqual(2);
	const widths = table.map((l) => stringWidth(l.trimEnd()));
	expect(new Set(widths).size, `${screen}\nwidths: ${widths.join(' ')}`).toBe(1);
}

/** A field of the detail view, its wrapped lines joined: labels take the first 17 columns. */
function detailField(screen: string, label: string): string {
	const lines = screen.split('\n');
	const at = lines.findIndex((l) => l.startsWith(label));
	let value = lines[at].slice(17).trim();
	for (const line of lines.slice(at + 1)) {
		if (!line.startsWith(' ')) break;
		value += line.trim();
	}

	return value;
}

const monitorCommand = () =>
	`node ${cli} -h 127.0.0.1 -p ${broker.port} -u admin --audit-log ${path.join(dir, 'audit.log')} --log-file ${broker.logPath} --refresh 0.5 --filter user:hostile`;

describe('hostile client IDs in the monitor', () => {
	test('at 80×24 every row lines up, bidi is escaped, and the detail view shows each ID whole', async () => {
		terminal.start(80, 24, {MQTT_TOP_PASSWORD: broker.admin.password});
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
		terminal.type(monitorCommand());
		terminal.key('Enter');
		const screen = await terminal.waitFor('every hostile row', (s) => s.includes('showing 10 of'), 20_000);
		expectAligned(screen);
		const rows = tableLines(screen).slice(1);
		expect(rows).toHaveLength(10);
		// Cut to the ID column's width, each still recognisable; bidi and zero-width shown as escapes.
		for (const visible of [
			'invoice\\u202etxt',
			'zero\\u200bwidth',
			'温度センサー東京',
			'🚀✅⭐☕🫠🇩🇪👩‍💻',
			'ops (console) as',
			'-dash-leading',
			'=cmd|calc',
			'long-xxxx',
		]) {
			expect(
				rows.some((r) => r.includes(visible)),
				`${visible}\n${screen}`,
			).toBe(true);
		}

		expect(screen).not.toContain('\u202E');

		// The detail view of the emoji client and the bidi one.
		for (const [filter, shown] of [
			['id:🚀', '🚀✅⭐☕🫠🇩🇪👩‍💻'],
			['id:invoice', 'invoice\\u202etxt.exe'],
			['id:long-', hostile.long],
		]) {
			terminal.type('/');
			await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
			terminal.key('C-u');
			for (let i = 0; i < 40; i++) terminal.key('BSpace');
			terminal.type(`user:hostile ${filter}`);
			terminal.key('Enter');
			// This filter's own header, not the last one's: both show one row, and an Enter that came
			// with the filter's in one read would be dropped (the rows it would open are not drawn yet).
			await terminal.waitFor(`the row for ${filter}`, (s) => s.includes(`filter: user:hostile ${filter} `) && s.includes('showing 1 of'));
			terminal.key('Enter');
			const detail = await terminal.waitFor(`the detail of ${filter}`, (s) => s.split('\n').some((l) => l.startsWith('Client ID')));
			expect(detailField(detail, 'Client ID'), detail).toBe(shown);
			expect(detail).not.toContain('\u202E');
			terminal.key('Escape');
			// The table's heading (sorted by client ID), not the detail's "Client ID" field: typing on
			// before Esc is read would make it ESC-/ (Alt-/), and the view would stay put.
			await terminal.waitFor('the table again', (s) => s.includes('Client ID▲'));
		}
	}, 90_000);

	test('at 40×10 the rows still line up, and the kick dialog says "terminal too small" and y does nothing', async () => {
		terminal.type('/');
		await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
		for (let i = 0; i < 60; i++) terminal.key('BSpace');
		terminal.type('user:hostile');
		terminal.key('Enter');
		terminal.resize(40, 10);
		await terminal.waitFor('the table at 40×10', (s) => s.trimEnd().split('\n').length <= 10 && s.includes('Client ID▲    '));
		// Only a row or two fit: walk the cursor over all ten from the top, checking each screen on the way.
		terminal.type('g');
		let screen = await terminal.waitFor('the first row', (s) => s.includes('>  +SUM(A1)'));
		const seen = new Set<string>();
		for (let i = 0; i < ids.length; i++) {
			expectAligned(screen);
			for (const row of tableLines(screen).slice(1)) seen.add(row.slice(3, 12));
			if (i === ids.length - 1) break;
			const selected = screen.split('\n').find((l) => l.startsWith('>'));
			terminal.type('j');
			screen = await terminal.waitFor('the next row selected', (s) => {
				const now = s.split('\n').find((l) => l.startsWith('>'));
				return now !== undefined && now !== selected;
			});
		}

		expect(seen.size, [...seen].join('\n')).toBe(ids.length);
		terminal.type('g');

		terminal.type('K');
		screen = await terminal.waitFor('the too-small notice', (s) => s.includes('terminal too small'));
		expect(screen.replace(/\s+/g, ' ')).toMatch(/terminal too small: 40×10, needs \d+×\d+/);
		terminal.type('y');
		terminal.type('Y');
		await new Promise((r) => setTimeout(r, 1500));
		expect(clients.every((c) => c.connected)).toBe(true);
		expect(existsSync(path.join(dir, 'audit.log')) ? readFileSync(path.join(dir, 'audit.log'), 'utf8') : '').not.toMatch(/action=kick/);
		expect(terminal.screen()).toContain('terminal too small');
		terminal.type('n');
		await terminal.waitFor('the cancellation', (s) => s.includes('cancelled'));
		expect(clients.every((c) => c.connected)).toBe(true);
		terminal.type('q');
		await terminal.waitFor('the shell again', (s) => !s.includes('Client ID'));
	}, 60_000);
});

describe('hostile client IDs in list output', () => {
	const list = (format: string) =>
		runCli(
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(broker.port),
				'-u',
				'admin',
				'list',
				format,
				'--wait',
				'0',
				'--log-file',
				broker.logPath,
				'--filter',
				'user:hostile',
			],
			{
				env: {MQTT_TOP_PASSWORD: broker.admin.password},
			},
		);

	test('--csv neutralises formulas (leading = + - @), escapes bidi, and keeps every ID in one field', async () => {
		const result = await list('--csv');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).not.toContain('\u202E');
		const rows = result.stdout.trimEnd().split('\n').slice(1);
		expect(rows).toHaveLength(ids.length);
		const first = rows.map((r) => (r.startsWith('"') ? r.slice(1, r.indexOf('",')) : r.slice(0, r.indexOf(','))).replaceAll('""', '"'));
		expect(first.sort()).toEqual(
			[
				"'=cmd|calc",
				"'+SUM(A1)",
				"'@HYPERLINK",
				"'-dash-leading",
				'invoice\\u202etxt.exe',
				'zero\\u200bwidth\\u200cjoin\\u200dend',
				hostile.cjk,
				hostile.emoji,
				hostile.long,
				hostile.sentence,
			].sort(),
		);
		for (const row of rows) expect(row, row).not.toMatch(/(^|,)[=+\-@]/);
	});

	test('--json gives every ID exactly, with bidi and control characters written as \\u escapes', async () => {
		const result = await list('--json');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).not.toContain('\u202E');
		expect(result.stdout).toContain('invoice\\u202etxt.exe');
		const records = JSON.parse(result.stdout) as Array<{clientId: string; username: string; status: string}>;
		expect(records.map((r) => r.clientId).sort()).toEqual([...ids].sort());
		for (const record of records) expect(record).toMatchObject({username: 'hostile', status: 'online'});
	});
});

test('every hostile client is still connected (nothing above acted on the broker)', async () => {
	await eventually(() => clients.every((c) => c.connected), 'every client to be connected');
});
