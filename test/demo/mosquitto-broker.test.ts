// The demo's Mosquitto is set up without a password on any command line: every user of the host
// can read another process's arguments.
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, expect, test} from 'vitest';
import {randomPassword} from '../../source/demo/accounts.js';
import {detectMosquitto} from '../../source/demo/detect.js';
import {startMosquittoBroker} from '../../source/demo/mosquitto-broker.js';
import type {DemoBroker} from '../../source/demo/types.js';
import {connectClient} from '../support/mosquitto.js';

let broker: DemoBroker | undefined;
afterAll(async () => broker?.stop());

test('mosquitto_ctrl never gets the admin password as an argument, and the password works', async () => {
	const detection = detectMosquitto();
	if (!detection.install) throw new Error(`Mosquitto is needed for this test: ${detection.reason}`);
	// A mosquitto_ctrl that writes down the arguments it was given, then runs the real one.
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-ctrl-'));
	const record = path.join(dir, 'argv');
	const wrapper = path.join(dir, 'mosquitto_ctrl');
	writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${record}'\nexec '${detection.install.ctrl}' "$@"\n`);
	chmodSync(wrapper, 0o755);

	const admin = {username: 'demo-admin', password: randomPassword(), admin: true};
	broker = await startMosquittoBroker({...detection.install, ctrl: wrapper}, admin);
	const argv = readFileSync(record, 'utf8');
	expect(argv).toContain('init');
	expect(argv).not.toContain(admin.password);

	const client = await connectClient(`mqtt://127.0.0.1:${broker.port}`, {username: admin.username, password: admin.password});
	expect(client.connected).toBe(true);
	await client.endAsync();
}, 20_000);
