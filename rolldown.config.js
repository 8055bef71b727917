// The shipped CLI is one bundle (and lazily loaded chunks): it starts faster than Node resolving
// a few hundred files from node_modules (`npm run bench -- --only=startup` measures both).
// Nothing in the product depends on a module's identity across the bundle boundary.
import {defineConfig} from 'rolldown';

export default defineConfig({
	input: 'dist/cli.js',
	platform: 'node',
	// Ink imports its devtools only when DEV=true; it is not a dependency of this package.
	external: ['react-devtools-core'],
	logLevel: 'warn',
	// The CLI runs React's production build (source/production-mode.ts): leaving the development
	// builds out of the bundle, and minifying it, halves what Node reads and compiles at start-up.
	transform: {define: {'process.env.NODE_ENV': '"production"'}},
	output: {dir: 'dist/bin', format: 'esm', cleanDir: true, minify: true},
});
