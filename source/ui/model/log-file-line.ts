import {cleanText} from '../../util/sanitize.js';
import {theme} from '../theme.js';
import {clip, joinFitting, type Line} from './line.js';

/** What the header shows about the broker's log file; read once per frame from the LogFile. */
export type LogFileInfo = {
	path: string;
	/** Why this file is read ("--log-file", "default for a local broker"). */
	reason: string;
	state: 'replaying' | 'replayed' | 'following' | 'closed' | 'failed';
	progress?: {phase: 'searching' | 'replaying'; bytesDone: number; bytesTotal: number; lines: number};
	/** The broker start was not found in the files kept: older sessions may be missing. */
	startMissing?: boolean;
	error?: string;
	/** Following works, but lines may be missing (see LogFileStatus.notice). */
	notice?: string;
};

export function progressBar(fraction: number, width: number): string {
	const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
	return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function count(n: number): string {
	return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n);
}

/** One header line: the file and its state, or a progress bar while the replay runs. */
export function logFileLine(info: LogFileInfo, width: number): Line {
	const file: Line = [{text: 'log: ', dim: true}, {text: cleanText(info.path)}, {text: ` (${cleanText(info.reason)})`, dim: true}];
	if (info.state === 'replaying' && info.progress) {
		const {phase, bytesDone, bytesTotal, lines} = info.progress;
		const fraction = bytesTotal > 0 ? bytesDone / bytesTotal : 0;
		const label = phase === 'searching' ? 'finding the broker start' : `replaying ${count(lines)} lines`;
		return joinFitting(
			[
				[
					{text: `${label} `, color: theme.warning, bold: true},
					{text: progressBar(fraction, 20), color: theme.accent},
					{text: ` ${Math.floor(fraction * 100)}%`},
				],
				file,
			],
			width,
			'  ',
		);
	}

	if (info.notice && !info.error && info.state !== 'failed') {
		// Lines may be missing: that goes first, cut at the edge rather than left out for want of room.
		return clip(
			[
				{text: 'log: ', dim: true},
				{text: cleanText(info.path)},
				{text: ' · ', dim: true},
				{text: `⚠ ${cleanText(info.notice)}`, color: theme.warning},
			],
			width,
		);
	}

	const parts: Line[] = [file];
	if (info.state === 'failed' || info.error) parts.push([{text: `⚠ ${cleanText(info.error ?? 'failed')}`, color: theme.danger}]);
	else parts.push([{text: info.state, color: info.state === 'following' ? theme.status.online : undefined}]);
	if (info.startMissing) parts.push([{text: 'broker start not in the log: older sessions may be missing', color: theme.warning}]);
	return joinFitting(parts, width);
}
