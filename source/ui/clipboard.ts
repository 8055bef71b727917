/**
 * OSC 52 "set clipboard": the terminal emulator on the operator's desk does the copying, so it
 * works over SSH and inside tmux (with set-clipboard on) without any clipboard tool on the host.
 */
export function osc52(text: string): string {
	return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}
