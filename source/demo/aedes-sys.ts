// The retained `$SYS/broker/...` values Mosquitto publishes every sys_interval (1 s in the demo),
// computed from what aedes knows.

export type SysSource = {
	/** Sessions connected right now. */
	connected(): number;
	/** Persistent sessions whose client is not connected. */
	disconnected(): number;
};

export type SysPublisher = (topic: string, payload: string) => void;

export function startSysTopics(source: SysSource, version: string, publish: SysPublisher, now = Date.now): {stop(): void} {
	const started = now();
	const last = new Map<string, string>();
	let maximum = 0;
	const set = (topic: string, value: string) => {
		if (last.get(topic) === value) return;
		last.set(topic, value);
		publish(topic, value);
	};

	const tick = () => {
		const connected = source.connected();
		const disconnected = source.disconnected();
		maximum = Math.max(maximum, connected);
		set('$SYS/broker/version', version);
		set('$SYS/broker/uptime', `${Math.floor((now() - started) / 1000)} seconds`);
		set('$SYS/broker/clients/connected', String(connected));
		set('$SYS/broker/clients/disconnected', String(disconnected));
		set('$SYS/broker/clients/total', String(connected + disconnected));
		set('$SYS/broker/clients/maximum', String(maximum));
		// The demo never expires persistent sessions.
		set('$SYS/broker/clients/expired', '0');
	};

	tick();
	const timer = setInterval(tick, 1000);
	timer.unref();
	return {stop: () => clearInterval(timer)};
}
