// The shipped CLI is one bundle (and lazily loaded chunks): it starts faster than Node resolving
// a few hundred files from node_modules (`npm run bench -- --only=startup` measures both).
// Nothing in the product depends on a module's identity across the bundle boundary.
import {createRequire} from 'node:module';
import path from 'node:path';
import {defineConfig} from 'rolldown';

/**
 * yoga-layout's wasm loader (emscripten's web flavour) reads its own embedded base64 wasm through
 * fetch() whenever a global fetch exists. On Node that loads the whole built-in undici before the
 * first frame, a fifth of the start-up time; the loader's fallback decodes the same bytes directly.
 */
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	transform: {
		filter: {id: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/},
		handler(code) {
			const patched = code.replaceAll('"function"!=typeof fetch', 'true');
			// A new yoga-layout that loads differently must be looked at again, not bundled unpatched.
			if (patched === code) throw new Error('yoga-layout no longer tests typeof fetch in its wasm loader: see rolldown.config.js');
			return patched;
		},
	},
};

/**
 * Ink keeps the size of every text it ever laid out in a module-level Map that nothing empties
 * (measure-text.js). The table no longer goes through it (source/ui/PreRendered.tsx), but header
 * and detail lines that change every tick still do, a few hundred bytes a tick for as long as the
 * monitor runs. The bundle bounds it: emptied once it holds 2,000 texts (a screen has a few dozen).
 */
const boundedMeasureCache = {
	name: 'bounded-measure-cache',
	transform: {
		filter: {id: /ink[\\/]build[\\/]measure-text\.js$/},
		handler(code) {
			const patched = code.replace(
				'cache.set(text, dimensions);',
				'if (cache.size >= 2000) cache.clear();\n    cache.set(text, dimensions);',
			);
			// An Ink that measures differently must be looked at again, not bundled unpatched.
			if (patched === code)
				throw new Error("ink's measure-text.js no longer caches with cache.set(text, dimensions): see rolldown.config.js");
			return patched;
		},
	},
};

/**
 * source/ui/ink-line-cache.ts reaches the frame composer Ink imports from its own output.js, a
 * file Ink's package exports do not name: resolved here to that same file, so the bundle holds
 * one copy of it and the cache is installed on the one Ink draws with.
 */
let inkOutputResolved = false;
const inkOutput = {
	name: 'ink-output',
	resolveId(source) {
		if (source !== 'ink/build/output.js') return undefined;
		inkOutputResolved = true;
		return path.join(path.dirname(createRequire(import.meta.url).resolve('ink')), 'output.js');
	},
	buildEnd() {
		// Without it the shipped monitor would draw every frame the slow way, and nothing else would say so.
		if (!inkOutputResolved) this.error('ink/build/output.js was never imported: is source/ui/ink-line-cache.ts still in the bundle?');
	},
};

export default defineConfig({
	input: 'dist/cli.js',
	platform: 'node',
	// Ink imports its devtools only when DEV=true; it is not a dependency of this package.
	external: ['react-devtools-core'],
	plugins: [yogaWithoutFetch, inkOutput, boundedMeasureCache],
	logLevel: 'warn',
	// The CLI runs React's production build (source/production-mode.ts): leaving the development
	// builds out of the bundle, and minifying it, halves what Node reads and compiles at start-up.
	transform: {define: {'process.env.NODE_ENV': '"production"'}},
	output: {dir: 'dist/bin', format: 'esm', cleanDir: true, minify: true},
});
