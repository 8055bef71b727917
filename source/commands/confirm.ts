import {createInterface} from 'node:readline';

/**
 * Asks a y/N question on stderr and reads one line from stdin, terminal or pipe alike
 * (`echo y | mqtt-top kick …` works). End of input counts as "no".
 */
export async function confirm(question: string, input: NodeJS.ReadableStream = process.stdin): Promise<boolean> {
	process.stderr.write(`${question} [y/N] `);
	const rl = createInterface({input, terminal: false});
	try {
		const answer = await new Promise<string | undefined>((resolve) => {
			rl.once('line', resolve);
			rl.once('close', () => resolve(undefined));
		});
		if (answer === undefined) process.stderr.write('\n');
		return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
	} finally {
		rl.close();
	}
}
