import {expect, test} from 'vitest';
import {parseLogMessage} from '../../../../source/broker/mosquitto/log-parser.js';
import type {SessionEvent} from '../../../../source/model/types.js';

// The connect-line parser no longer runs a regex per line (replays parse millions). This is the
// regex it replaced: the hand-written parser must split every line exactly as it did.
const connectPattern = /^New (client|bridge) connected from (\S+) as (.*) \(p(\d+), c([01]), k(\d+)(?:, u'(.*)')?\)\.$/s;
// p<N> is Mosquitto 2.0's own numbering; 2.1 prints the MQTT protocol level.
const protocolsByDialect = {
	'2.0': {'1': '3.1', '2': '3.1.1', '5': '5.0'},
	'2.1.1': {'3': '3.1', '4': '3.1.1', '5': '5.0'},
} as const satisfies Record<string, Record<string, string>>;
function reference(message: string, protocols: Record<string, string> = protocolsByDialect['2.0']): SessionEvent | undefined {
	const m = connectPattern.exec(message);
	if (!m || !protocols[m[4]]) return undefined;
	const colon = m[2].lastIndexOf(':');
	const event: Record<string, unknown> = {
		type: 'connect',
		time: 0,
		clientId: m[3],
		address: colon <= 0 ? m[2] : m[2].slice(0, colon),
		port: colon <= 0 ? 0 : Number(m[2].slice(colon + 1)),
		protocol: protocols[m[4]],
		cleanSession: m[5] === '1',
		keepAlive: Number(m[6]),
	};
	if (m[7] !== undefined) event.username = m[7];
	if (m[1] === 'bridge') event.bridge = true;
	return event as SessionEvent;
}

// Pieces that make near-misses likely: the separators of the suffix, quotes, spaces of all kinds.
const pieces = [
	' (p',
	'2',
	'5',
	'1',
	'02',
	'9',
	', c',
	'0',
	'1',
	', k',
	'60',
	'',
	", u'",
	"'",
	').',
	')',
	'.',
	' ',
	'x',
	'as',
	' as ',
	'\n',
	'\u00a0',
	'(',
	',',
	'u',
	"').",
];

let seed = 7;
function random(n: number): number {
	seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
	return (seed >>> 8) % n;
}

function noise(count: number): string {
	let out = '';
	for (let i = 0; i < count; i++) out += pieces[random(pieces.length)];
	return out;
}

function candidate(): string {
	const head = random(2) === 0 ? 'New client connected from ' : 'New bridge connected from ';
	const address = ['127.0.0.1:36848', '::1:5', 'a b', '', 'x\u00a0y:1', '10.0.0.1'][random(6)];
	const id = noise(random(6));
	if (random(3) === 0) return head + address + noise(random(10));
	const user = random(2) === 0 ? '' : `, u'${noise(random(5))}'`;
	const suffix = ` (p${['1', '2', '5', '02', '', '3', '4'][random(7)]}, c${['0', '1', '2'][random(3)]}, k${['60', '', '0'][random(3)]}${user}).`;
	return head + address + ' as ' + id + suffix + (random(5) === 0 ? noise(random(3)) : '');
}

test.each(['2.0', '2.1.1'] as const)('splits 20,000 generated connect lines and near-misses exactly as the regex did (%s)', (dialect) => {
	let parsed = 0;
	for (let i = 0; i < 20_000; i++) {
		const message = candidate();
		const expected = reference(message, protocolsByDialect[dialect]) ?? {type: 'unknown', time: 0, line: message};
		expect(parseLogMessage(message, 0, dialect), JSON.stringify(message)).toEqual(expected);
		if (expected.type === 'connect') parsed++;
	}

	// Both kinds were exercised.
	expect(parsed).toBeGreaterThan(1000);
	expect(parsed).toBeLessThan(18_000);
});

test('a username holding what looks like the suffix', () => {
	const message = "New client connected from 10.0.0.1:1 as dev (p2, c1, k60, u'x (p2, c1, k60')." as const;
	expect(parseLogMessage(message, 0)).toEqual(reference(message));
	expect(parseLogMessage(message, 0)).toMatchObject({clientId: 'dev', username: 'x (p2, c1, k60'});
});
