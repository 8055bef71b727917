/** Documented exit codes: scripts depend on them (see README "Exit codes"). */
export const ExitCode = {
	ok: 0,
	internal: 1,
	usage: 2,
	unreachable: 3,
	credentials: 4,
	notAuthorised: 5,
	actionsUnavailable: 6,
	actionFailed: 7,
	notConfirmed: 8,
	/** `watch --exit-on-alert`: an alert rule fired. */
	alerted: 9,
	/** `--at`: the moment is not in the broker's log (before it begins, in the future, or no log to read). */
	notInHistory: 10,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the operator can fix: printed as one line, never with a stack trace. */
export class UserError extends Error {
	constructor(
		message: string,
		readonly exitCode: ExitCodeValue,
	) {
		super(message);
		this.name = 'UserError';
	}
}
