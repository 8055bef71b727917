import {describe, expect, test} from 'vitest';
import {lineText} from '../../../source/ui/model/line.js';
import {logFileLine, progressBar} from '../../../source/ui/model/log-file-line.js';

describe('logFileLine', () => {
	test('while replaying, a progress bar with the share done and the lines read', () => {
		const text = lineText(
			logFileLine(
				{
					path: '/var/log/mosquitto/mosquitto.log',
					reason: 'local broker',
					state: 'replaying',
					progress: {phase: 'replaying', bytesDone: 450, bytesTotal: 1000, lines: 1_234_567},
				},
				120,
			),
		);
		expect(text).toBe(`replaying 1.2M lines ${'█'.repeat(9)}${'░'.repeat(11)} 45%  log: /var/log/mosquitto/mosquitto.log (local broker)`);
	});

	test('once following, the state; a missing broker start is a warning', () => {
		const text = lineText(logFileLine({path: '/l', reason: '--log-file', state: 'following', startMissing: true}, 200));
		expect(text).toBe('log: /l (--log-file) · following · broker start not in the log: older sessions may be missing');
	});

	test('an error replaces the state, and hostile paths are escaped', () => {
		expect(lineText(logFileLine({path: '/l\u001b[2J', reason: 'x', state: 'following', error: 'EACCES'}, 200))).toBe(
			'log: /l\\x1b[2J (x) · ⚠ EACCES',
		);
	});

	test('a notice (lines may be missing) comes right after the path, cut at the edge rather than left out', () => {
		const info = {
			path: '/var/log/mosquitto/mosquitto.log',
			reason: 'local broker',
			state: 'following',
			notice: 'file gone: reading the copy the broker still has open',
		} as const;
		expect(lineText(logFileLine(info, 200))).toBe(
			'log: /var/log/mosquitto/mosquitto.log · ⚠ file gone: reading the copy the broker still has open',
		);
		expect(lineText(logFileLine(info, 60))).toBe('log: /var/log/mosquitto/mosquitto.log · ⚠ file gone: readin…');
	});

	test('the bar is clamped', () => {
		expect(progressBar(2, 4)).toBe('████');
		expect(progressBar(-1, 4)).toBe('░░░░');
	});
});
