import {expect, test} from 'vitest';
import {checkMoment, gapWarning, parseAt} from '../../source/commands/list-at.js';
import {ExitCode, UserError} from '../../source/errors.js';
import {TimelineBuilder} from '../../source/history/timeline.js';

const t0 = 1_796_223_600;
const timeline = (() => {
	const builder = new TimelineBuilder('unix');
	builder.file('mosquitto.log');
	builder.push(Buffer.from(`${t0}: mosquitto version 2.0.11 starting\n${t0 + 100}: mosquitto version 2.0.11 starting\n`));
	return builder.finish();
})();

function refusal(run: () => unknown): UserError {
	try {
		run();
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}

	throw new Error('not refused');
}

test('a time before the log begins is refused with where the log begins, exit 10', () => {
	const error = refusal(() => checkMoment(timeline, (t0 - 60) * 1000, (t0 + 200) * 1000, 'mosquitto.log'));
	expect(error.exitCode).toBe(ExitCode.notInHistory);
	expect(error.exitCode).toBe(10);
	expect(error.message).toMatch(/before the log: the log begins at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(mosquitto\.log\)/);
});

test('a time in the future is refused', () => {
	const error = refusal(() => checkMoment(timeline, (t0 + 500) * 1000, (t0 + 200) * 1000, 'mosquitto.log'));
	expect(error.exitCode).toBe(ExitCode.notInHistory);
	expect(error.message).toMatch(/in the future/);
});

test('a time inside the log passes; inside a gap it is warned about with the gap and why', () => {
	expect(() => checkMoment(timeline, (t0 + 50) * 1000, (t0 + 200) * 1000, 'mosquitto.log')).not.toThrow();
	expect(gapWarning(timeline, (t0 + 50) * 1000)).toEqual([expect.stringMatching(/gap around .* from .* to .* \(broker restarted/)]);
	expect(gapWarning(timeline, (t0 + 150) * 1000)).toEqual([]);
});

test('a bad --at is a usage error', () => {
	const error = refusal(() => parseAt('noon-ish', Date.now()));
	expect(error.exitCode).toBe(ExitCode.usage);
	expect(error.message).toMatch(/^--at: 'noon-ish' is not a time/);
});
