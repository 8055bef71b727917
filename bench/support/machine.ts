import {execFileSync} from 'node:child_process';
import os from 'node:os';

export type Machine = {
	cpu: string;
	cores: number;
	memoryGiB: number;
	node: string;
	platform: string;
	/** Open-file limits the storm depends on (soft/hard, as children inherit them). */
	openFiles: {soft: number | null; hard: number | null};
	load: number[];
	/** React's build: production, as the CLI sets it (NODE_ENV=development measures the slower one). */
	nodeEnv: string;
};

function ulimit(flag: '-Sn' | '-Hn'): number | null {
	try {
		const out = execFileSync('sh', ['-c', `ulimit ${flag}`], {encoding: 'utf8'}).trim();
		return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
	} catch {
		return null;
	}
}

/** What a reader needs to judge the figures: the same code is 3× slower on a laptop in power-save. */
export function describeMachine(): Machine {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		platform: `${os.platform()} ${os.release()}`,
		openFiles: {soft: ulimit('-Sn'), hard: ulimit('-Hn')},
		load: os.loadavg().map((n) => Math.round(n * 100) / 100),
		nodeEnv: process.env.NODE_ENV ?? '(unset)',
	};
}
