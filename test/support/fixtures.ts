import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

// Real broker captures, kept in the repository (test/fixtures/README.md says what each holds).
const here = path.dirname(fileURLToPath(import.meta.url));
export const capturesDir = path.resolve(here, '../fixtures');
export const fixturesDir = path.join(capturesDir, 'mosquitto-2.0.11');

export function readFixture(name: string): string {
	return readFileSync(path.join(fixturesDir, name), 'utf8');
}

/** The topic capture: one `<topic> <payload>` per line. */
export function topicCapture(): Array<{topic: string; payload: string}> {
	return readFixture('sys-broker-log-topics.txt')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			const space = line.indexOf(' ');
			return {topic: line.slice(0, space), payload: line.slice(space + 1)};
		});
}
