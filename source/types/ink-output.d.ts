// Ink's frame composer, which its package exports do not name (see ui/ink-line-cache.ts).
declare module 'ink/build/output.js' {
	const Output: unknown;
	export default Output;
}
