/**
 * A password typed on the command line can be read by every user of the host (ps,
 * /proc/PID/cmdline) and stays in the shell's history; MQTT_TOP_PASSWORD does neither.
 */
export type PasswordFlags = {password?: string; url?: string | readonly string[]; apiUrl?: string};

function urlPassword(url: string | readonly string[] | undefined): string | undefined {
	if (url === undefined) return undefined;
	if (typeof url !== 'string') return url.map((one) => urlPassword(one)).find((password) => password !== undefined);
	try {
		return new URL(url).password || undefined;
	} catch {
		return undefined;
	}
}

/** The warning to print, or undefined when no password was typed on the command line. */
export function passwordWarning(flags: PasswordFlags): string | undefined {
	const where =
		flags.password !== undefined
			? 'the password given with -P/--password'
			: urlPassword(flags.url) !== undefined
				? 'the password in the -L/--url URL'
				: urlPassword(flags.apiUrl) !== undefined
					? 'the password in the --api-url URL'
					: undefined;
	if (where === undefined) return undefined;
	return `warning: ${where} can be read by other users of this host (ps) and stays in your shell history: set MQTT_TOP_PASSWORD instead`;
}

/**
 * The arguments with every password replaced, for the process title: setting it overwrites the
 * command line that ps shows, so the password is exposed only until start-up reads it.
 */
export function maskedArguments(argv: string[], flags: PasswordFlags): string[] {
	const urls = flags.url === undefined ? [] : typeof flags.url === 'string' ? [flags.url] : flags.url;
	const given = flags.apiUrl === undefined ? urls : [...urls, flags.apiUrl];
	const encoded = given.map((url) => urlPassword(url));
	const secrets = [flags.password, ...encoded, ...encoded.map((one) => (one === undefined ? undefined : safeDecode(one)))].filter(
		(s): s is string => s !== undefined && s !== '',
	);
	return argv.map((arg) => secrets.reduce((text, secret) => text.split(secret).join('***'), arg));
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
