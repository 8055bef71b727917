import {chmodSync, mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {runCli} from '../support/cli.js';
import {freePort, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {makeCertificates} from '../support/tls.js';

let broker: TestBroker;
let tlsPort: number;
let ca: string;

beforeAll(async () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-tls-'));
	chmodSync(dir, 0o755);
	const certs = makeCertificates(dir);
	ca = certs.ca;
	tlsPort = await freePort();
	broker = await startMosquitto({
		dynsec: false,
		extra: [`listener ${tlsPort} 127.0.0.1`, `cafile ${certs.ca}`, `certfile ${certs.cert}`, `keyfile ${certs.key}`],
	});
}, 30_000);

afterAll(async () => broker?.stop());

const common = () => ['--audit-log', path.join(broker.dir, 'audit.log'), 'list', '--json', '--wait', '0'];

test('--cafile verifies the broker and connects over mqtts', async () => {
	const result = await runCli(['-L', `mqtts://localhost:${tlsPort}`, '--cafile', ca, ...common()]);
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	expect(JSON.parse(result.stdout)).toEqual([]);
});

test('an unverifiable certificate is exit 3 with what to do', async () => {
	const result = await runCli(['-L', `mqtts://localhost:${tlsPort}`, ...common()]);
	expect(result.code).toBe(3);
	expect(result.stderr).toMatch(
		/^mqtt-top: TLS handshake with mqtts:\/\/localhost:\d+ failed \(.+\): pass the broker's CA with --cafile, or --insecure to skip verification\n$/,
	);
});

test('--insecure skips verification', async () => {
	const result = await runCli(['-L', `mqtts://127.0.0.1:${tlsPort}`, '--insecure', ...common()]);
	expect(result.code).toBe(0);
});

test('TLS to a plain listener says so, not "is it running?"', async () => {
	const result = await runCli(['-L', `mqtts://127.0.0.1:${broker.port}`, '--insecure', ...common()]);
	expect(result.code).toBe(3);
	expect(result.stderr).toBe(
		`mqtt-top: mqtts://127.0.0.1:${broker.port} closed the connection during the TLS handshake (ECONNRESET): is port ${broker.port} a TLS listener? For plain MQTT use mqtt:// without --cafile/--cert\n`,
	);
});

test('plain MQTT to a TLS listener suggests mqtts://', async () => {
	const result = await runCli(['-L', `mqtt://127.0.0.1:${tlsPort}`, ...common()]);
	expect(result.code).toBe(3);
	expect(result.stderr).toMatch(
		new RegExp(
			`^mqtt-top: mqtt://127\\.0\\.0\\.1:${tlsPort} closed the connection without answering \\(\\w+\\): if port ${tlsPort} is a TLS listener, use mqtts:// or --cafile\\n$`,
		),
	);
});
