// Which timestamp format a log file was written with, guessed from its first lines when
// --log-timestamp-format does not say.
import {createLineClock, type TimestampFormat} from './line-clock.js';

/** Formats tried by detection, most specific first (a format with %z must win over its prefix). */
export const detectableFormats = [
	'%Y-%m-%dT%H:%M:%S%z',
	'%Y-%m-%dT%H:%M:%S',
	'%Y-%m-%d %H:%M:%S%z',
	'%Y-%m-%d %H:%M:%S %z',
	'%Y-%m-%d %H:%M:%S',
	'%Y/%m/%d %H:%M:%S',
	'%Y%m%dT%H%M%S',
	'%d/%b/%Y:%H:%M:%S %z',
	'%a %b %e %H:%M:%S %Y',
	'%b %e %H:%M:%S',
];

// How Mosquitto's own messages begin: a line whose text after the prefix starts like this
// confirms the prefix guess.
const messageStarts = [
	'mosquitto version ',
	'New connection from ',
	'New client connected from ',
	'New bridge connected from ',
	'Client ',
	'Config loaded from ',
	'Opening ',
	'Sending ',
	'Received ',
	'No will message',
	'Will message',
	'\t',
	'Saving in-memory',
	'Loading ',
	'Warning: ',
	'Error: ',
	'Reloading config',
	'dynsec: ',
	'Expiring client ',
	'Using default config',
];

function looksLikeMessage(text: string, at: number): boolean {
	for (const start of messageStarts) if (text.startsWith(start, at)) return true;
	return false;
}

/**
 * Guesses the timestamp format from sample lines: Unix seconds, one of the common ISO-like
 * strftime formats, no timestamp, or an unknown prefix before ": ". A format wins when it reads
 * the most lines, and at least half.
 */
export function detectTimestampFormat(lines: string[]): TimestampFormat {
	const sample = lines.filter((line) => line.length > 0);
	if (sample.length === 0) return 'unix';
	const score = (format: TimestampFormat) => {
		const clock = createLineClock(format);
		let hits = 0;
		for (const line of sample) {
			const at = clock.split(line, 0, line.length);
			if (at >= 0 && (format !== 'opaque' || looksLikeMessage(line, at))) hits++;
		}

		return hits;
	};

	let best: TimestampFormat = 'unix';
	let bestScore = score('unix');
	for (const format of detectableFormats) {
		const s = score(format);
		if (s > bestScore) {
			best = format;
			bestScore = s;
		}
	}

	const half = sample.length / 2;
	if (bestScore >= half) return best;
	const bare = sample.filter((line) => looksLikeMessage(line, 0)).length;
	const opaque = score('opaque');
	if (opaque >= half && opaque > bare) return 'opaque';
	return 'none';
}
