import {parseLogTopicMessage} from '../../source/broker/mosquitto/log-parser.js';
import type {SessionStore} from '../../source/model/session-store.js';
import type {LogLine} from './log-generator.js';

// The ingest figure reads its lines from one text, as they arrive from a socket or a file: a
// million separate strings in an array would be old-generation garbage-collector work the
// monitor never has. Each line is `<topic> <payload>`: a log topic never contains a space.

/** The lines as one text, each `<topic> <payload>\n`. */
export function joinLines(lines: readonly LogLine[]): string {
	let text = '';
	for (const line of lines) text += `${line.topic} ${line.payload}\n`;
	// Flat, as a decoded buffer is: a rope of a million pieces would charge its flattening to the first reader.
	return Buffer.from(text).toString();
}

/** Parser and store over every line of `text`: the ingest figure. Returns how many lines. */
export function ingestText(store: SessionStore, text: string, receivedAt = Date.now()): number {
	let lines = 0;
	let start = 0;
	while (start < text.length) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		const space = text.indexOf(' ', start);
		store.apply(parseLogTopicMessage(text.slice(start, space), text.slice(space + 1, end), receivedAt, store));
		lines++;
		start = end + 1;
	}

	return lines;
}

/** Floor 1: the same text cut into the same lines, and nothing else. Returns a checksum so the work is kept. */
export function splitOnly(text: string): number {
	let sum = 0;
	let start = 0;
	while (start < text.length) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		sum += text.slice(start, end).length;
		start = end + 1;
	}

	return sum;
}

// The least a regex parser would do with a line: topic, seconds and the message, anchored.
const lineShape = /^(\S+) (\d+): (.*)$/s;

/** Floor 2: the same lines, each through one anchored regular expression with captures. Returns a checksum. */
export function splitAndMatch(text: string): number {
	let sum = 0;
	let start = 0;
	while (start < text.length) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		const match = lineShape.exec(text.slice(start, end));
		if (match) sum += match[3].length;
		start = end + 1;
	}

	return sum;
}
