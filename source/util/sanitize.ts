// Client IDs, usernames, topics and reasons come from the broker and are untrusted: a client ID
// holding ESC sequences must not be able to repaint or retitle an operator's terminal.

// C0 controls, DEL, C1 controls (8-bit CSI and friends), the bidi controls that can reorder what
// is displayed (embeddings, overrides, isolates and the invisible marks), and invisible characters:
// zero-width spaces and joiners, word joiners, BOM and soft hyphen. Invisible, `adm\u200bin` would
// pass for `admin`; terminals also disagree on their width (tmux draws a joiner between letters
// in the next cell), which pushed every column after it out of line. A zero-width joiner is kept
// inside an emoji sequence (👩‍💻), where it belongs and every terminal draws one glyph.
const unsafe =
	// eslint-disable-next-line no-control-regex, no-misleading-character-class
	/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|(?<!\p{Extended_Pictographic}[\u{1f3fb}-\u{1f3ff}\ufe0f]?)\u200d|\u200d(?!\p{Extended_Pictographic})/gu;

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
		// The same as cleanText, zero-width joiners included: \u escapes lose nothing in JSON.
		/[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}
