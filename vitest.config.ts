import {createRequire} from 'node:module';
import path from 'node:path';
import {defineConfig} from 'vitest/config';

export default defineConfig({
	// The file Ink's package exports do not name (source/ui/ink-line-cache.ts; rolldown.config.js does the same).
	resolve: {alias: {'ink/build/output.js': path.join(path.dirname(createRequire(import.meta.url).resolve('ink')), 'output.js')}},
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		testTimeout: 30_000,
		// mqtt-top reads ~/.config/mqtt-top/brokers.toml when no broker is named: never the tester's own.
		env: {XDG_CONFIG_HOME: path.resolve('.tmp/no-config-home')},
		hookTimeout: 30_000,
		// The JSON report is what .ci/run counts; the default reporter is for people.
		reporters: ['default', 'json'],
		outputFile: {json: '.tmp/vitest-report.json'},
	},
});
