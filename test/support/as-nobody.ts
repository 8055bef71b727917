// Tests that must defeat root (which ignores file modes) run mqtt-top as user nobody. nobody
// cannot enter the checkout when it sits in a root-only directory (CI's fresh clone does), so
// the built bundle is copied where nobody can read it.
import {chmodSync, cpSync, existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const nobody = {uid: 65534, gid: 65534};

const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bin');

/** A copy of dist/bin that nobody can run; `home` is a directory nobody may write. */
export function cliForNobody(): {cli: string; home: string; remove(): void} {
	if (process.getuid?.() !== 0) throw new Error('this test runs mqtt-top as user nobody, which needs root');
	if (!existsSync(path.join(built, 'cli.js'))) throw new Error(`${built}/cli.js is missing: run npm run build (npm test does)`);
	const home = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-nobody-'));
	chmodSync(home, 0o777);
	cpSync(built, path.join(home, 'bin'), {recursive: true});
	return {cli: path.join(home, 'bin', 'cli.js'), home, remove: () => rmSync(home, {recursive: true, force: true})};
}
