import {execFileSync} from 'node:child_process';
import path from 'node:path';

/** A throwaway CA and a server certificate for localhost/127.0.0.1, made with the openssl CLI. */
export function makeCertificates(dir: string): {ca: string; cert: string; key: string} {
	const file = (name: string) => path.join(dir, name);
	const openssl = (...args: string[]) => execFileSync('openssl', args, {stdio: 'pipe'});
	openssl(
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-days',
		'2',
		'-subj',
		'/CN=mqtt-top test CA',
		'-keyout',
		file('ca.key'),
		'-out',
		file('ca.pem'),
	);
	openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('server.key'), '-out', file('server.csr'));
	execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > ${file('san.ext')}`]);
	openssl(
		'x509',
		'-req',
		'-in',
		file('server.csr'),
		'-CA',
		file('ca.pem'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		file('san.ext'),
		'-out',
		file('server.pem'),
	);
	return {ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key')};
}
