// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went, so a missed target
// comes with its hot spots instead of a bare number. Usable on its own:
//   node dist-bench/bench/support/profile-summary.js file.cpuprofile [top]
import {existsSync, readFileSync} from 'node:fs';
import {SourceMap} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

type ProfileNode = {
	id: number;
	callFrame: {functionName: string; url: string; lineNumber: number; columnNumber: number};
	hitCount?: number;
	children?: number[];
};
type Profile = {nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[]};

export type HotSpot = {name: string; where: string; selfMs: number; selfPercent: number; totalMs: number};

const sourceMaps = new Map<string, SourceMap | undefined>();

/** The TypeScript line of a compiled line, from the .js.map tsc wrote beside it. */
function originalLine(file: string, line: number, column: number): number | undefined {
	if (!sourceMaps.has(file)) {
		const map = `${file}.map`;
		sourceMaps.set(
			file,
			existsSync(map) ? new SourceMap(JSON.parse(readFileSync(map, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : undefined,
		);
	}

	const entry = sourceMaps.get(file)?.findEntry(line, column) as {originalLine?: number} | undefined;
	return entry?.originalLine;
}

function location(node: ProfileNode, root: string): string {
	const {url, lineNumber, columnNumber} = node.callFrame;
	if (!url) return '(native)';
	const absolute = url.startsWith('file://') ? fileURLToPath(url) : url;
	let file = absolute.startsWith(root) ? path.relative(root, absolute) : absolute;
	let line = lineNumber + 1;
	if (file.startsWith('dist-bench/') || file.startsWith('dist/')) {
		// Point at the TypeScript source rather than its compiled copy.
		const original = originalLine(absolute, lineNumber, columnNumber);
		if (original !== undefined) line = original + 1;
		file = file
			.replace(/^dist-bench\//, '')
			.replace(/^dist\//, 'source/')
			.replace(/\.js$/, '.ts');
	}

	return `${file}:${line}`;
}

/** Self and inclusive time per function, heaviest self time first. */
export function hotSpots(profile: Profile, root = process.cwd(), top = 15): HotSpot[] {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const selfUs = new Map<number, number>();
	const samples = profile.samples ?? [];
	const deltas = profile.timeDeltas ?? [];
	for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i] ?? 0));
	const totalUs = profile.endTime - profile.startTime;

	// Inclusive time: a node's self time plus its subtree's, counted once per function per stack.
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const key = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}\u0000${location(node, root)}`;
	const self = new Map<string, number>();
	const total = new Map<string, number>();
	for (const [id, us] of selfUs) {
		const node = byId.get(id)!;
		self.set(key(node), (self.get(key(node)) ?? 0) + us);
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
			const k = key(byId.get(at)!);
			if (seen.has(k)) continue;
			seen.add(k);
			total.set(k, (total.get(k) ?? 0) + us);
		}
	}

	return [...self.entries()]
		.filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)') && !k.startsWith('(root)'))
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([k, us]) => {
			const [name, where] = k.split('\u0000');
			return {
				name,
				where,
				selfMs: Math.round(us / 100) / 10,
				selfPercent: Math.round((us / totalUs) * 1000) / 10,
				totalMs: Math.round((total.get(k) ?? 0) / 100) / 10,
			};
		});
}

export function summarizeFile(file: string, top = 15, root = process.cwd()): string {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const lines = hotSpots(profile, root, top).map(
		(h) =>
			`${String(h.selfPercent).padStart(5)}%  ${String(h.selfMs).padStart(8)} ms self  ${String(h.totalMs).padStart(8)} ms total  ${h.name}  ${h.where}`,
	);
	return [`${path.basename(file)} (${Math.round((profile.endTime - profile.startTime) / 1000)} ms profiled)`, ...lines].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	const [file, top] = process.argv.slice(2);
	if (!file) {
		process.stderr.write('usage: profile-summary.js <file.cpuprofile> [top]\n');
		process.exit(2);
	}

	process.stdout.write(`${summarizeFile(file, Number(top ?? 25))}\n`);
}
