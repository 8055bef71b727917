// Client IDs, usernames, topics and reasons come from the broker and are untrusted: a client ID
// holding ESC sequences must not be able to repaint or retitle an operator's terminal.

// C0 controls, DEL, C1 controls (8-bit CSI and friends) and the bidi overrides that can reorder
// what is displayed.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
	const code = c.charCodeAt(0);
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Makes an untrusted string safe to print, showing each control character as a visible escape. */
export function cleanText(text: string): string {
	unsafe.lastIndex = 0;
	return unsafe.test(text) ? text.replace(unsafe, escape) : text;
}

/** JSON with the characters that JSON.stringify leaves raw but a terminal would act on also escaped. */
export function safeJson(value: unknown, space?: number): string {
	return JSON.stringify(value, null, space).replace(
		/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}
