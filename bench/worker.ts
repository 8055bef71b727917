// One figure in a process of its own: a fresh heap for every figure (memory figures would
// otherwise carry the previous figure's garbage), and --cpu-prof profiles one figure at a time.
// Usage (by run.ts): node --expose-gc dist-bench/bench/worker.js <figure> '<options json>'
// The CLI runs React's production build (source/production-mode.ts); measure what users run.
import '../source/production-mode.js';
import {installInkLineCache} from '../source/ui/ink-line-cache.js';
import type {Measure} from './support/figure.js';

const [figure, json = '{}'] = process.argv.slice(2);

async function main(): Promise<void> {
	if (!figure || !/^[a-z-]+$/.test(figure)) throw new Error(`usage: worker.js <figure> [options-json]`);
	// As the monitor draws (commands/monitor.tsx): Ink keeps its composed lines across frames.
	if (!(await installInkLineCache())) throw new Error('the Ink line cache could not be installed: see source/ui/ink-line-cache.ts');
	const {measure} = (await import(`./figures/${figure}.js`)) as {measure: Measure};
	const rows = await measure(JSON.parse(json));
	if (process.send) process.send({rows}, () => process.exit(0));
	else {
		process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
		process.exit(0);
	}
}

main().catch((error: unknown) => {
	const text = String((error as Error)?.stack ?? error);
	if (process.send) process.send({error: text}, () => process.exit(1));
	else {
		process.stderr.write(`${text}\n`);
		process.exit(1);
	}
});
