// Who is in the simulated fleet: a plain list of device specs, decided up front so the accounts
// can be created before any device connects, and so a test can check the mix.

export type Behaviour =
	/** Stays connected; publishes now and then; may drop and come back. */
	| 'steady'
	/** Reconnects every few seconds. */
	| 'flapper'
	/** A persistent session that goes offline for a while and resumes. */
	| 'roamer';

export type Subscription = {topic: string; qos: 0 | 1 | 2};

export type DeviceSpec = {
	clientId: string;
	username: string;
	password: string;
	/** MQTT protocol level on the wire: 3 = 3.1, 4 = 3.1.1, 5 = 5.0. */
	protocolVersion: 3 | 4 | 5;
	clean: boolean;
	keepalive: number;
	behaviour: Behaviour;
	/** Subscribed on every connect that does not resume a session. */
	subscriptions: Subscription[];
	/** Filters it subscribes to and unsubscribes from over time. */
	churn: string[];
	/** Where it publishes readings (QoS 0). */
	telemetry?: string;
	/** Its account starts disabled: it keeps trying and is refused until unblocked. */
	blocked?: boolean;
};

export const minDevices = 1;
export const maxDevices = 10_000;

const cameraAccounts = 6;
const cameraPlaces = ['lobby', 'garage', 'yard', 'dock', 'gate', 'hall', 'roof', 'lab'];

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

/**
 * The fleet for `count` devices: the ones every demo needs first (a client ID with spaces, a
 * flapper, a blocked device), then gateways, meters (MQTT 3.1), panels, cameras and sensors in
 * proportion, interleaved so that even a small fleet shows each kind.
 */
export function planFleet(count: number, passwordFor: (username: string) => string): DeviceSpec[] {
	const spec = (s: Omit<DeviceSpec, 'password' | 'churn'> & {churn?: string[]}): DeviceSpec => ({
		churn: [],
		...s,
		password: passwordFor(s.username),
	});

	const specials: DeviceSpec[] = [
		spec({
			clientId: 'kitchen thermostat 7',
			username: 'home',
			protocolVersion: 5,
			clean: true,
			keepalive: 45,
			behaviour: 'steady',
			subscriptions: [
				{topic: 'home/kitchen/#', qos: 1},
				{topic: 'cmd/kitchen thermostat 7/set', qos: 2},
			],
			churn: ['home/+/humidity'],
			telemetry: 'home/kitchen/temperature',
		}),
		spec({
			clientId: 'flaky-plug-3',
			username: 'plugs',
			protocolVersion: 4,
			clean: true,
			keepalive: 20,
			behaviour: 'flapper',
			subscriptions: [{topic: 'plugs/flaky-plug-3/set', qos: 1}],
		}),
		spec({
			clientId: 'rogue-tracker-9',
			username: 'tracker-9',
			protocolVersion: 4,
			clean: true,
			keepalive: 60,
			behaviour: 'steady',
			subscriptions: [{topic: 'trackers/rogue-tracker-9/#', qos: 0}],
			telemetry: 'trackers/rogue-tracker-9/position',
			blocked: true,
		}),
	];

	const rest = Math.max(0, count - specials.length);
	const gateways = Math.max(2, Math.round(rest * 0.06));
	const meters = Math.max(2, Math.round(rest * 0.05));
	const panels = Math.max(2, Math.round(rest * 0.05));
	const cameras = Math.max(1, Math.round(rest * 0.08));
	const sensors = Math.max(0, rest - gateways - meters - panels - cameras);

	const groups: Array<{size: number; make: (i: number, width: number) => DeviceSpec}> = [
		{
			size: gateways,
			make: (i, w) =>
				spec({
					clientId: `gw-${pad(i + 1, w)}`,
					username: 'gateway',
					protocolVersion: i % 2 === 0 ? 4 : 5,
					clean: false,
					keepalive: 120,
					behaviour: 'roamer',
					subscriptions: [
						{topic: `fleet/gw-${pad(i + 1, w)}/#`, qos: 1},
						{topic: 'ota/gateway/#', qos: 1},
					],
					telemetry: `fleet/gw-${pad(i + 1, w)}/status`,
				}),
		},
		{
			// MQTT 3.1 allows client IDs of at most 23 characters.
			size: meters,
			make: (i, w) =>
				spec({
					clientId: `meter-${pad(i + 1, w)}`,
					username: 'meters',
					protocolVersion: 3,
					clean: true,
					keepalive: 60,
					behaviour: 'steady',
					subscriptions: [{topic: `meters/meter-${pad(i + 1, w)}/set`, qos: 0}],
					telemetry: `meters/meter-${pad(i + 1, w)}/reading`,
				}),
		},
		{
			size: panels,
			make: (i, w) =>
				spec({
					clientId: `panel-${pad(i + 1, w)}`,
					username: 'panels',
					protocolVersion: 5,
					clean: true,
					keepalive: 30,
					behaviour: 'steady',
					subscriptions: [{topic: 'home/+/temperature', qos: 0}],
					churn: ['home/+/humidity', 'cameras/+/motion', 'alerts/#', 'meters/+/reading'],
				}),
		},
		{
			size: cameras,
			make: (i, w) => {
				const id = `cam-${cameraPlaces[i % cameraPlaces.length]}-${pad(i + 1, w)}`;
				return spec({
					clientId: id,
					username: `camera-${pad((i % cameraAccounts) + 1, 2)}`,
					protocolVersion: 5,
					clean: true,
					keepalive: 30,
					behaviour: 'steady',
					subscriptions: [{topic: `cmd/${id}/#`, qos: 1}],
					telemetry: `cameras/${id}/motion`,
				});
			},
		},
		{
			size: sensors,
			make: (i, w) => {
				const id = `sensor-${pad(i + 1, w)}`;
				return spec({
					clientId: id,
					username: 'sensors',
					protocolVersion: i % 5 < 2 ? 5 : 4,
					clean: true,
					keepalive: [30, 45, 60, 90][i % 4],
					behaviour: 'steady',
					subscriptions: [{topic: `cmd/${id}/#`, qos: 1}],
					churn: i % 5 === 0 ? ['config/sensors/#', `ota/sensors/${id}`] : [],
					telemetry: `sensors/${id}/telemetry`,
				});
			},
		},
	];

	// Round-robin over the groups, so the first devices to connect (and a small fleet) show every kind.
	const devices = [...specials];
	const made = groups.map(() => 0);
	const width = (size: number) => Math.max(2, String(size).length);
	while (devices.length < count && made.some((n, g) => n < groups[g].size)) {
		for (const [g, group] of groups.entries()) {
			if (made[g] >= group.size || devices.length >= count) continue;
			// Sensors are most of the fleet: let them fill in faster than the one-of-each rounds.
			const burst = g === groups.length - 1 ? Math.max(1, Math.ceil(group.size / Math.max(1, gateways))) : 1;
			for (let k = 0; k < burst && made[g] < group.size && devices.length < count; k++) {
				devices.push(group.make(made[g]++, width(group.size)));
			}
		}
	}

	return devices.slice(0, count);
}
