import {describe, expect, it} from 'vitest';
import type {ActionPlan} from '../../../source/broker/driver.js';
import {confirmLines} from '../../../source/ui/model/confirm.js';
import {lineText} from '../../../source/ui/model/line.js';

const plan: ActionPlan = {
	capability: 'ban-user',
	target: {node: 'edge-2', by: 'user', value: 'alice'},
	affected: [],
	targets: [],
	summary: 'bans username alice',
	notes: ['EMQX does not disconnect live sessions of a banned username: kick them too\u001b[2J'],
	destructive: false,
};

describe('confirmLines', () => {
	it('shows the plan’s notes (cleaned) before asking, and names the node when several are monitored', () => {
		const text = confirmLines({kind: 'block', plans: [plan], skipped: [], destructive: false, showNodes: true}, 'first', 200)
			.map(lineText)
			.join('\n');
		expect(text).toContain('• on edge-2: bans username alice');
		expect(text).toContain('EMQX does not disconnect live sessions of a banned username: kick them too\\x1b[2J');
		const single = confirmLines({kind: 'block', plans: [plan], skipped: [], destructive: false}, 'first', 200)
			.map(lineText)
			.join('\n');
		expect(single).toContain('• bans username alice');
		expect(single).not.toContain('edge-2');
	});
});
