import type {ActionKind} from '../../actions/choose.js';
import type {Capabilities, Capability} from '../../broker/driver.js';

/** The capabilities behind each key: the key works when any node has one of them. */
const behind: Record<ActionKind, readonly Capability[]> = {
	kick: ['kick-client', 'kick-user', 'kick-takeover'],
	block: ['ban-user', 'ban-client'],
	unblock: ['unban'],
};

/** Why a key can do nothing on any monitored node; absent for keys that work (or are still being probed). */
export type UnavailableKeys = Partial<Record<ActionKind, string>>;

export function unavailableKeys(nodes: ReadonlyArray<{name: string; capabilities: Capabilities}>): UnavailableKeys {
	const out: UnavailableKeys = {};
	for (const kind of Object.keys(behind) as ActionKind[]) {
		const reasons: string[] = [];
		let usable = false;
		for (const node of nodes) {
			const states = behind[kind].map((capability) => node.capabilities.get(capability));
			if (states.some((state) => state?.ok || state?.pending)) {
				usable = true;
				break;
			}

			const why = states.find((state) => state !== undefined && !state.ok);
			const text = why && !why.ok ? why.why : 'not supported by this broker';
			reasons.push(nodes.length > 1 ? `${node.name}: ${text}` : text);
		}

		if (!usable) out[kind] = reasons.join('; ');
	}

	return out;
}
