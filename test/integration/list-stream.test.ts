// `list --json` and `--csv` write as they go: the whole listing is never one string, and a reader
// that stops early (`| head -1`) ends the command quietly. Run against the fake EMQX (see
// rest-cli.test.ts) because it can list thousands of sessions at once.
import {spawn} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cliPath, runCli} from '../support/cli.js';
import {FakeEmqx} from '../fakes/emqx.js';

const clients = 3000;

/** The built CLI's output piped into `head -1` by a shell that reports the CLI's own exit status. */
function throughHead(args: string[], env: NodeJS.ProcessEnv): Promise<{code: number | null; stdout: string; stderr: string}> {
	const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
	const child = spawn('bash', ['-c', `set -o pipefail; ${quoted} | head -1`], {
		env: {...process.env, ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
	return new Promise((resolve) => child.on('close', (code) => resolve({code, stdout, stderr})));
}

describe('list streams its output', () => {
	const emqx = new FakeEmqx();
	const common = () => ['--broker-type', 'emqx', '--api-url', emqx.url, '-u', emqx.apiKey, 'list', '--wait', '0'];
	const env = () => ({MQTT_TOP_PASSWORD: emqx.apiSecret});

	beforeAll(async () => {
		await emqx.start();
		for (let i = 0; i < clients; i++) {
			emqx.add({
				clientid: `sensor-${String(i).padStart(5, '0')}`,
				username: `user-${i % 7}`,
				proto_ver: 4,
				subscriptions: {[`devices/${i}/cmd`]: 1},
			});
		}
	});

	afterAll(async () => {
		await emqx.stop();
	});

	it('--json: every session, valid JSON over many writes', async () => {
		const result = await runCli([...common(), '--json'], {env: env()});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		// Far more than one 64 KB write: the pieces were joined back in order.
		expect(result.stdout.length).toBeGreaterThan(1024 * 1024);
		const rows = JSON.parse(result.stdout) as Array<{clientId: string}>;
		expect(rows).toHaveLength(clients);
		expect(rows[0].clientId).toBe('sensor-00000');
		expect(rows.at(-1)!.clientId).toBe(`sensor-${String(clients - 1).padStart(5, '0')}`);
		expect(result.stdout.endsWith(']\n')).toBe(true);
	});

	it('--csv: a header and one line per session', async () => {
		const result = await runCli([...common(), '--csv'], {env: env()});
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines).toHaveLength(clients + 1);
		expect(lines[1].startsWith('sensor-00000,user-0,')).toBe(true);
	});

	it('a reader that closes the pipe early (| head -1) ends the command cleanly: exit 0, no EPIPE, no stack', async () => {
		for (const format of ['--json', '--csv']) {
			const result = await throughHead([...common(), format], env());
			expect(result.stdout).toBe(
				format === '--json'
					? '[\n'
					: 'clientId,username,address,port,protocol,cleanSession,persistence,keepAlive,connectedAt,status,subscriptions,lastDisconnectReason,broker,node,queued\n',
			);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
		}
	});
});
