import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const help = `
  top for an MQTT broker's client sessions

  Usage
    $ mqtt-top [connection flags] [--filter Q] [--read-only]   live monitor (needs a terminal)
    $ mqtt-top list [--json|--csv] [--filter Q] [--wait S]      print the sessions and exit
    $ mqtt-top list --at TIME [--json|--csv] [--filter Q]       the sessions as they were at TIME
    $ mqtt-top kick <client-id> [--yes] [--force-takeover]       disconnect a client
    $ mqtt-top block <username> [--yes]                          disable an account, disconnecting it
    $ mqtt-top unblock <username>                                enable it again
    $ mqtt-top watch --alert RULE... [--exit-on-alert] [--json]  no screen: one line per alert
    $ mqtt-top --demo [--demo-clients N] [command]               try it on a simulated fleet

  Connection (as mosquitto_sub)
    -h, --host HOST          broker host (default localhost)
    -p, --port PORT          port (default 1883, 8883 with TLS)
    -L, --url URL            mqtt://, mqtts://, ws:// or wss:// URL instead of -h/-p;
                             repeat it to watch several brokers (or cluster nodes) at once
    -u, --username NAME      username
    -P, --password PASS      password (or set MQTT_TOP_PASSWORD, which keeps it out of ps)
    -i, --id ID              client ID (default: unique mqtt-top-<host>-<random>)
    -V, --protocol-version V mqttv5 (default), mqttv311 or mqttv31
        --cafile FILE        CA certificate for TLS
        --cert FILE          client certificate for TLS
        --key FILE           client key for TLS
        --insecure           do not verify the broker's certificate
        --keepalive S        MQTT keep-alive in seconds (default 30): a silent broker is
                             noticed within 1.5 times this, then reconnected to
        --broker-type T      mosquitto (default), rabbitmq, emqx or vernemq
        --api-url URL        the broker's management API (default per type on the broker's
                             host: rabbitmq :15672, emqx :18083, vernemq :8888)

  Several brokers
        --brokers FILE       a TOML file with one [[broker]] table per broker: name, url (or
                             host and port), type, api_url, username, password (or
                             password_env / password_file), cafile, cert, key, insecure,
                             log_file, log_timestamp_format. Without any of -h, -p, -L or
                             --brokers, $XDG_CONFIG_HOME/mqtt-top/brokers.toml (default
                             ~/.config/mqtt-top/brokers.toml) is read when it exists.
                             Other connection flags are defaults for the file's brokers.
                             With several brokers a Node column appears, the filter takes
                             node:NAME, and each broker gets client ID <id>-<n>. A broker
                             that is down is shown down and retried; the others go on.
        --node NAME          kick/block/unblock with several brokers: the broker to act on
                             (needed when the client or username is known on more than one)

  Options
        --filter Q           filter, e.g. 'user:alice -status:offline topic:home/# node:edge-1'
        --read-only          no kick/block/unblock keys
        --at TIME            list, monitor: the sessions as they were at TIME, from the
                             broker's log file: 2026-12-02T09:00 (local time unless a zone
                             is given), Unix seconds, 09:00 (today), or -15m, -2h, -1d
        --refresh S          seconds between screen refreshes (default 1)
        --json, --csv        list: machine-readable output
        --wait S             list/kick/block: seconds to listen before acting (default 2)
    -y, --yes                kick/block: do not ask for confirmation
        --force-takeover     kick: allow a takeover of a persistent or unknown session
        --audit-log FILE     where actions are recorded (default $XDG_STATE_HOME/mqtt-top/audit.log)
        --alert RULE         monitor/watch: alert when down:FILTER (a matching client leaves),
                             up:FILTER (one connects), count<N (the broker's connected count
                             drops below N) or flaps>N (a client connects more than N times in
                             60 s); repeatable, e.g. --alert 'up:-address:10.0.0.0/8'
        --alert-log FILE     where alerts are kept (default alerts.log beside the audit log)
        --exit-on-alert      watch: exit with code 9 at the first alert
        --no-bell            monitor: no terminal bell on an alert
        --log-file PATH      read and follow the broker's log file (default for a local broker:
                             /var/log/mosquitto/mosquitto.log when readable)
        --no-log-file        do not read the log file
        --log-timestamp-format F   the broker's log_timestamp_format (detected when not given)
        --demo               run against an embedded demo broker and simulated fleet
        --demo-clients N     size of the demo fleet (default 60)
        --demo-broker B      auto (default: Mosquitto when installed, else embedded),
                             mosquitto, or embedded (the built-in broker, no install needed)
        --demo-dialect D     2.0 (default) or 2.1: the Mosquitto log lines the embedded
                             demo broker writes (implies --demo-broker embedded)
        --help, --version

  Exit codes
    0 ok · 1 internal error · 2 usage · 3 broker unreachable · 4 credentials refused
    5 not authorised to read $SYS · 6 actions unavailable (dynamic security) · 7 action failed
    8 not confirmed · 9 alerted (watch --exit-on-alert) · 10 --at: that time is not in the broker's log
`;

type FlagSpec = {type: 'string' | 'boolean'; shortFlag?: string; isMultiple?: boolean; negatable?: boolean; default?: boolean};

const flagSpec = {
	host: {type: 'string', shortFlag: 'h'},
	port: {type: 'string', shortFlag: 'p'},
	url: {type: 'string', shortFlag: 'L', isMultiple: true},
	brokers: {type: 'string'},
	brokerType: {type: 'string'},
	apiUrl: {type: 'string'},
	username: {type: 'string', shortFlag: 'u'},
	password: {type: 'string', shortFlag: 'P'},
	id: {type: 'string', shortFlag: 'i'},
	protocolVersion: {type: 'string', shortFlag: 'V'},
	cafile: {type: 'string'},
	cert: {type: 'string'},
	key: {type: 'string'},
	insecure: {type: 'boolean', default: false},
	keepalive: {type: 'string'},
	readOnly: {type: 'boolean', default: false},
	refresh: {type: 'string'},
	filter: {type: 'string'},
	at: {type: 'string'},
	json: {type: 'boolean', default: false},
	csv: {type: 'boolean', default: false},
	wait: {type: 'string'},
	yes: {type: 'boolean', shortFlag: 'y', default: false},
	forceTakeover: {type: 'boolean', default: false},
	node: {type: 'string'},
	auditLog: {type: 'string'},
	alert: {type: 'string', isMultiple: true},
	alertLog: {type: 'string'},
	exitOnAlert: {type: 'boolean', default: false},
	bell: {type: 'boolean', default: true},
	logFile: {type: 'string', negatable: true},
	logTimestampFormat: {type: 'string'},
	demo: {type: 'boolean', default: false},
	demoClients: {type: 'string'},
	demoBroker: {type: 'string'},
	demoDialect: {type: 'string'},
	help: {type: 'boolean', default: false},
	version: {type: 'boolean', default: false},
} as const satisfies Record<string, FlagSpec>;

type Spec = typeof flagSpec;
/** What each flag parses to: booleans are always set, strings only when given, --no-log-file is false. */
type ParsedFlags = {
	[K in keyof Spec]: Spec[K] extends {type: 'boolean'}
		? boolean
		: Spec[K] extends {isMultiple: true}
			? string[]
			: Spec[K] extends {negatable: true}
				? string | false | undefined
				: string | undefined;
};

/** A command-line mistake: the caller prints it as one line with exit code 2. */
export class FlagError extends Error {}

/**
 * Flags whose value may begin with `-`: `--filter -user:admin` (and an --alert holding a filter)
 * would otherwise read as short flags (-u ser:admin), `--at -15m` as a flag.
 */
const dashValues = new Set(['--filter', '--alert', '--at']);

function bindFilterValue(argv: string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--') return [...out, ...argv.slice(i)];
		if (dashValues.has(argv[i]) && i + 1 < argv.length) {
			out.push(`${argv[i]}=${argv[++i]}`);
		} else {
			out.push(argv[i]);
		}
	}

	return out;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The first flag (before `--`) that is not one of ours: refused in one line before parsing. */
function unknownFlag(argv: string[]): string | undefined {
	const long = new Set<string>();
	const short = new Map<string, string>();
	for (const [name, spec] of Object.entries(flagSpec) as Array<[string, FlagSpec]>) {
		long.add(kebab(name));
		if (spec.type === 'boolean' || spec.negatable) long.add(`no-${kebab(name)}`);
		if (spec.shortFlag) short.set(spec.shortFlag, spec.type);
	}

	for (const arg of argv) {
		if (arg === '--') return undefined;
		if (arg.startsWith('--')) {
			if (!long.has(arg.slice(2).split('=')[0])) return arg;
		} else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
			// A group of short flags (-yi ID); a short flag that takes a value takes the rest (-p1883).
			for (const letter of arg.slice(1)) {
				const type = short.get(letter);
				if (type === undefined) return arg;
				if (type !== 'boolean') break;
			}
		}
	}

	return undefined;
}

/** Numbers are parsed as strings first so that the message can quote what was typed. */
function numberFlag(raw: string | undefined, flag: string, what: string): number | undefined {
	if (raw === undefined) return undefined;
	const value = raw.trim() === '' ? Number.NaN : Number(raw);
	if (!Number.isFinite(value)) throw new FlagError(`${flag}: '${raw}' is not ${what}`);
	return value;
}

export function parseCli(argv: string[]) {
	const unknown = unknownFlag(argv);
	if (unknown !== undefined) {
		// The likeliest cause of an unknown short flag is a client ID or username that begins with -.
		const hint = /^-[^-]/.test(unknown) ? ` (for a name that begins with -, put -- before it: kick -- ${unknown})` : '';
		throw new FlagError(`unknown flag ${unknown}${hint}`);
	}

	const cli = parseFlags(bindFilterValue(argv));
	const {port, refresh, wait, demoClients, keepalive, url, alert, ...rest} = cli.flags;
	return {
		...cli,
		flags: {
			...rest,
			// A repeatable flag never given is undefined, not []: "not given" stays checkable.
			url: url !== undefined && url.length > 0 ? url : undefined,
			alert: alert ?? [],
			port: numberFlag(port, '-p/--port', 'a port number (1–65535)'),
			refresh: numberFlag(refresh, '--refresh', 'a number of seconds'),
			keepalive: numberFlag(keepalive, '--keepalive', 'a number of seconds'),
			wait: numberFlag(wait, '--wait', 'a number of seconds') ?? 2,
			demoClients: numberFlag(demoClients, '--demo-clients', 'a number of devices') ?? 60,
		},
	};
}

/**
 * Splits argv into flags and input, by the conventions the help documents: `--flag value`,
 * `--flag=value`, grouped short flags (`-yi ID`; a short flag that takes a value takes the rest of
 * its group, `-p1883`, or the next argument), `--no-flag` for a boolean (and `--no-log-file`),
 * `--` ends the flags. A value-taking flag followed by another flag gets '' (the caller's checks
 * say what is missing). Hand-written rather than meow (which this replaced): meow validates a
 * package.json and loads its license tables on every start, a tenth of the start-up time. Not
 * node:util's parseArgs either: it takes `--host --port 1` as a host named `--port` (or, strict,
 * throws a three-line error), refuses `-p -1` and has no `--yes false`, all of which the help
 * and the tests document. Unknown flags were refused before (unknownFlag).
 */
function parseFlags(argv: string[]): {input: string[]; flags: ParsedFlags} {
	const specs = flagSpec as Record<string, FlagSpec>;
	const byLong = new Map(Object.keys(specs).map((name) => [kebab(name), name]));
	const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.shortFlag ? [[spec.shortFlag, name] as const] : [])));
	const values: Record<string, unknown> = {};
	const input: string[] = [];
	const given = new Set<string>();
	const set = (name: string, value: string | boolean) => {
		const spec = specs[name];
		if (spec.isMultiple) {
			((values[name] ??= []) as string[]).push(String(value));
			return;
		}

		// Two values for a one-value flag is a mistake: which one was meant cannot be known.
		if (spec.type === 'string' && given.has(name)) throw new FlagError(`the flag --${kebab(name)} can only be given once`);
		given.add(name);
		values[name] = value;
	};

	const isValue = (next: string | undefined) => next !== undefined && (!next.startsWith('-') || /^-\d/.test(next));
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--') {
			input.push(...argv.slice(i + 1));
			break;
		}

		if (arg.startsWith('--')) {
			const eq = arg.indexOf('=');
			const key = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
			const inline = eq === -1 ? undefined : arg.slice(eq + 1);
			const name = byLong.get(key);
			if (name === undefined) {
				// --no-<flag>: unknownFlag has already checked that this flag has a --no- form.
				const negated = byLong.get(key.replace(/^no-/, ''));
				if (negated !== undefined) set(negated, false);
				continue;
			}

			if (specs[name].type === 'boolean') set(name, inline === undefined ? booleanWord(argv, i, () => i++) : inline !== 'false');
			else if (inline !== undefined) set(name, inline);
			else set(name, isValue(argv[i + 1]) ? argv[++i] : '');
		} else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
			for (let j = 1; j < arg.length; j++) {
				const name = byShort.get(arg[j])!;
				if (specs[name].type === 'boolean') {
					set(name, true);
					continue;
				}

				const rest = arg.slice(j + 1).replace(/^=/, '');
				set(name, rest !== '' ? rest : isValue(argv[i + 1]) ? argv[++i] : '');
				break;
			}
		} else {
			input.push(arg);
		}
	}

	for (const [name, spec] of Object.entries(specs)) {
		if (spec.isMultiple) values[name] ??= [];
		else if (spec.type === 'boolean') values[name] ??= spec.default ?? false;
	}

	return {input, flags: values as ParsedFlags};
}

/** `--yes false`: a boolean flag takes a following literal true or false as its value. */
function booleanWord(argv: string[], i: number, consume: () => void): boolean {
	const next = argv[i + 1];
	if (next !== 'true' && next !== 'false') return true;
	consume();
	return next === 'true';
}

/** The package's version, from its package.json (two levels up from the bundle, one from tsc's output). */
export function packageVersion(): string | undefined {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let i = 0; i < 4; i++) {
		const file = path.join(dir, 'package.json');
		if (existsSync(file)) {
			const pkg = JSON.parse(readFileSync(file, 'utf8')) as {name?: string; version?: string};
			if (pkg.name === 'mqtt-top') return pkg.version;
		}

		dir = path.dirname(dir);
	}

	return undefined;
}
