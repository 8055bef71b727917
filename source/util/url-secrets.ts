// URLs may carry credentials (`mqtt://user:pass@host`, `http://key:secret@host`): decoding them
// must not crash on a stray `%`, and echoing a URL back in an error must not print them.

/** A percent-encoded URL username or password, decoded; undefined when it is not valid encoding. */
export function decodeCredential(text: string): string | undefined {
	try {
		return decodeURIComponent(text);
	} catch {
		return undefined;
	}
}

/** The URL as typed, with anything before an `@` in its authority replaced: safe to echo in an error. */
export function withoutCredentials(text: string): string {
	return text.replace(/^([a-z][a-z\d+.-]*:\/\/)?[^/@]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
}
