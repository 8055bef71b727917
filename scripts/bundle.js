// Bundles dist/cli.js (tsc's output) into dist/bin/, the CLI that ships. Through the API rather
// than rolldown's CLI, which always prints a table of chunks: `npm install` and `npm run demo`
// show a user the product, not build chatter. Warnings and errors still print.
import {build} from 'rolldown';
import config from '../rolldown.config.js';

try {
	await build(config);
} catch (error) {
	console.error(`bundle failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
