import {persistenceLabel} from '../../model/persistence.js';
import type {Session} from '../../model/types.js';
import {cleanText} from '../../util/sanitize.js';
import {theme} from '../theme.js';
import type {ActionRequest} from './action-request.js';
import {displayWidth} from '../text.js';
import {lineText, wrapped, type Line} from './line.js';

const titles = {kick: 'Kick', block: 'Block', unblock: 'Unblock'} as const;
const listLimit = 12;

function sessionLines(session: Session, inner: number): Line[] {
	const where = session.address === undefined ? '' : `  ${cleanText(session.address)}${session.port ? `:${session.port}` : ''}`;
	const proto = session.protocol === undefined ? '' : `  MQTT ${session.protocol}`;
	const kind = session.cleanSession === undefined ? '' : `  ${persistenceLabel(session)}`;
	const id = cleanText(session.clientId);
	const line: Line = [{text: '    • '}, {text: id, bold: true}, {text: `${where}${proto}${kind}`, dim: true}];
	if (displayWidth(lineText(line)) <= inner) return [line];
	// Too long for one line: the ID whole, over several lines. Cut short, two long IDs that
	// differ only at the end would look like one.
	const indent = (lines: Line[], by: string): Line[] => lines.map((l) => [{text: by}, ...l]);
	const detail = `${where}${proto}${kind}`.trim();
	return [
		...indent(wrapped(`• ${id}`, inner - 4, {bold: true}, '  '), '    '),
		...(detail === '' ? [] : indent(wrapped(detail, inner - 6, {dim: true}), '      ')),
	];
}

/** The confirmation dialog's text: exactly who is affected, then what to press. */
export function confirmLines(request: ActionRequest, stage: 'first' | 'destructive', width: number): Line[] {
	const inner = width - 4;
	const lines: Line[] = [[{text: `${titles[request.kind]}?`, bold: true, color: request.destructive ? theme.danger : theme.warning}]];
	for (const plan of request.plans) {
		const on = request.showNodes ? `on ${cleanText(plan.target.node)}: ` : '';
		lines.push(...wrapped(`• ${on}${plan.summary}`, inner, plan.destructive ? {color: theme.danger, bold: true} : {}, '  '));
		// What else the broker will do (a will message published, a ban that leaves live sessions on): read before y.
		for (const note of plan.notes) lines.push(...wrapped(`  ${cleanText(note)}`, inner, {color: theme.warning}, '    '));
		if (plan.affected.length > 0) {
			for (const session of plan.affected.slice(0, listLimit)) lines.push(...sessionLines(session, inner));
			if (plan.affected.length > listLimit) lines.push([{text: `    … and ${plan.affected.length - listLimit} more`, dim: true}]);
		}
	}

	for (const skipped of request.skipped) lines.push(...wrapped(`• not included: ${skipped}`, inner, {dim: true}, '  '));
	lines.push([]);
	if (stage === 'first') {
		if (request.destructive) {
			lines.push(
				...wrapped(
					'DESTRUCTIVE: a takeover destroys a persistent session, or one that may be (its queued messages and subscriptions). You will be asked again.',
					inner,
					{color: theme.danger, bold: true},
				),
			);
		}

		lines.push([{text: 'Press '}, {text: 'y', bold: true}, {text: ' to confirm, any other key to cancel.'}]);
	} else {
		lines.push(...wrapped('Really destroy the session? This cannot be undone.', inner, {color: theme.danger, bold: true}));
		lines.push([
			{text: 'Press '},
			{text: 'Y', bold: true, color: theme.danger},
			{text: ' (capital) to go ahead, any other key to cancel.'},
		]);
	}

	return lines;
}
