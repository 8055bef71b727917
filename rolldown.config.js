// The shipped CLI is one bundle (and lazily loaded chunks): it starts faster than Node resolving
// a few hundred files from node_modules (`npm run bench -- --only=startup` measures both).
// Nothing in the product depends on a module's identity across the bundle boundary.
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

export default defineConfig({
	input: 'dist/cli.js',
	platform: 'node',
	// Ink imports its devtools only when DEV=true; it is not a dependency of this package.
	external: ['react-devtools-core'],
	plugins: [yogaWithoutFetch],
	logLevel: 'warn',
	// The CLI runs React's production build (source/production-mode.ts): leaving the development
	// builds out of the bundle, and minifying it, halves what Node reads and compiles at start-up.
	transform: {define: {'process.env.NODE_ENV': '"production"'}},
	output: {dir: 'dist/bin', format: 'esm', cleanDir: true, minify: true},
});
