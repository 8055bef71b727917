// A deterministic Mosquitto file log for the replay benchmark and tests: a fleet of devices that
// connect, subscribe, publish, ping and leave, written the way Mosquitto 2.0.11 writes them.

export type SyntheticLogOptions = {
	lines: number;
	/** Devices in the fleet (default 2,000). */
	clients?: number;
	/** Debug lines as with `log_type all` (default true); false gives the Debian default's connection lines only. */
	debug?: boolean;
	/** Unix seconds of the first line (default 1,795,300,000). */
	startSeconds?: number;
	/** Lines written per second of log time (default 2,000). */
	linesPerSecond?: number;
};

/** Returns the log text (newline-terminated lines, beginning with a broker start). */
export function generateLog(options: SyntheticLogOptions): string {
	const clients = options.clients ?? 2000;
	const debug = options.debug ?? true;
	const perSecond = options.linesPerSecond ?? 2000;
	let seconds = options.startSeconds ?? 1_795_300_000;
	// mulberry32: the low bits of a plain LCG repeat too soon and pick the same few devices.
	let seed = 42;
	const random = (n: number) => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) % n;
	};

	const out: string[] = [];
	let prefix = `${seconds}: `;
	const line = (message: string) => {
		if (out.length % perSecond === perSecond - 1) prefix = `${++seconds}: `;
		out.push(prefix + message);
	};

	line('mosquitto version 2.0.11 starting');
	line('Config loaded from /etc/mosquitto/mosquitto.conf.');
	line('Opening ipv4 listen socket on port 1883.');
	line('mosquitto version 2.0.11 running');
	const online: boolean[] = new Array<boolean>(clients).fill(false);
	const id = (i: number) => `sensor-${String(i).padStart(5, '0')}`;
	let port = 30_000;

	while (out.length < options.lines) {
		const i = random(clients);
		const client = id(i);
		if (!online[i]) {
			port = port >= 65_000 ? 30_000 : port + 1;
			const address = `10.0.${i >> 8}.${i & 255}`;
			line(`New connection from ${address}:${port} on port 1883.`);
			line(`New client connected from ${address}:${port} as ${client} (p2, c1, k60, u'fleet').`);
			if (debug) {
				line('No will message specified.');
				line(`Sending CONNACK to ${client} (0, 0)`);
				line(`Received SUBSCRIBE from ${client}`);
				line(`\tcmd/${client}/# (QoS 1)`);
			}

			line(`${client} 1 cmd/${client}/#`);
			if (debug) line(`Sending SUBACK to ${client}`);
			online[i] = true;
			continue;
		}

		const roll = random(100);
		if (roll < 2) {
			if (debug) line(`Received DISCONNECT from ${client}`);
			line(`Client ${client} disconnected.`);
			online[i] = false;
		} else if (!debug) {
			if (roll < 4) {
				line(`Client ${client} closed its connection.`);
				online[i] = false;
			}
		} else if (roll < 12) {
			line(`Received PINGREQ from ${client}`);
			line(`Sending PINGRESP to ${client}`);
		} else if (roll < 60) {
			line(`Received PUBLISH from ${client} (d0, q0, r0, m0, 'telemetry/${client}/temp', ... (${12 + random(40)} bytes))`);
		} else {
			line(`Sending PUBLISH to ${client} (d0, q1, r0, m${1 + random(60_000)}, 'cmd/${client}/set', ... (${8 + random(20)} bytes))`);
		}
	}

	out.length = options.lines;
	return out.join('\n') + '\n';
}
