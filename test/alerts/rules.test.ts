import {describe, expect, test} from 'vitest';
import {compileRules, parseRule, watchRule} from '../../source/alerts/rules.js';
import {parseQuery} from '../../source/model/query.js';
import {newSession} from '../../source/model/session-record.js';
import {UserError} from '../../source/errors.js';

function session(clientId: string, node = 'n1', address?: string) {
	const s = newSession(node, clientId, 0);
	s.address = address;
	return s;
}

describe('alert rules', () => {
	test.each([
		['down:id:gw-01', 'down'],
		['up:-address:10.0.0.0/8', 'up'],
		['  down:user:alice  node:edge ', 'down'],
	])('%s parses as a %s rule with its filter', (text, kind) => {
		const result = parseRule(text);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.rule.kind).toBe(kind);
		expect(result.rule.text).toBe(text.trim());
	});

	test('the filter is the filter language: up:-address:10.0.0.0/8 matches only outside the block', () => {
		const result = parseRule('up:-address:10.0.0.0/8');
		if (!result.ok || result.rule.kind !== 'up') throw new Error('not an up rule');
		expect(result.rule.filter.match(session('a', 'n1', '192.0.2.1'))).toBe(true);
		expect(result.rule.filter.match(session('b', 'n1', '10.1.1.1'))).toBe(false);
	});

	test.each([
		['count<10', {kind: 'count', below: 10}],
		['count < 3', {kind: 'count', below: 3}],
		['flaps>5', {kind: 'flaps', above: 5}],
		['flaps > 1', {kind: 'flaps', above: 1}],
	])('%s', (text, expected) => {
		const result = parseRule(text, 'edge-1');
		expect(result).toMatchObject({ok: true, rule: {...expected, text, node: 'edge-1'}});
	});

	test.each([
		['', /^empty rule: use down:FILTER/],
		['down', /^not a rule: use down:FILTER, up:FILTER, count<N or flaps>N/],
		['down:', /^down: needs a filter \(e\.g\. down:id:gw-01\)$/],
		['up:   ', /^up: needs a filter/],
		['down:color:red', /^down: unknown field 'color' \(use id, user, address/],
		['down:id:"open', /^down: unclosed quote$/],
		['up:address:10.0.0.0/40', /^up: address: '10\.0\.0\.0\/40' is not a CIDR block/],
		['count<0', /^count<N: '0' is not a whole number of at least 1$/],
		['count<-1', /^count<N: '-1' is not a whole number/],
		['count<2.5', /^count<N: '2\.5' is not a whole number/],
		['count<', /^count<N: '' is not a whole number/],
		['flaps>x', /^flaps>N: 'x' is not a whole number/],
		['count>3', /^not a rule/],
		['flaps<3', /^not a rule/],
	])('%j is refused', (text, error) => {
		const result = parseRule(text);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatch(error);
	});

	test('compileRules names where a bad rule was given, as a usage error', () => {
		expect(compileRules([{text: 'count<5', from: '--alert'}])).toHaveLength(1);
		try {
			compileRules([
				{text: 'count<5', from: '--alert'},
				{text: 'flaps>zero', from: 'brokers.toml: alert'},
			]);
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(UserError);
			expect((error as UserError).exitCode).toBe(2);
			expect((error as UserError).message).toBe("brokers.toml: alert 'flaps>zero': flaps>N: 'zero' is not a whole number of at least 1");
		}
	});
});

describe('the watch rule w adds', () => {
	test.each([
		['gw-01', 'edge', 'down:id:gw-01 node:edge'],
		['kitchen sensor 7', 'edge', 'down:id:"kitchen sensor 7" node:edge'],
		['say "hi"', 'edge 2', 'down:id:"say \\"hi\\"" node:"edge 2"'],
		['~regex', 'n', 'down:id:"~regex" node:n'],
		['-dash', 'n', 'down:id:"-dash" node:n'],
	])('%j on %j reads as %s', (clientId, node, text) => {
		expect(watchRule(clientId, node).text).toBe(text);
	});

	test('its text reads back through the filter language to the same client', () => {
		const rule = watchRule('say "hi" now', 'edge 2');
		const parsed = parseQuery(rule.text.slice('down:'.length));
		if (!parsed.ok) throw new Error(parsed.error);
		expect(parsed.query.match(session('say "hi" now', 'edge 2'))).toBe(true);
	});

	test('it matches the exact client and node only, not every ID containing it', () => {
		const rule = watchRule('gw-1', 'edge');
		if (rule.kind !== 'down') throw new Error('not a down rule');
		expect(rule.filter.match(session('gw-1', 'edge'))).toBe(true);
		expect(rule.filter.match(session('gw-10', 'edge'))).toBe(false);
		expect(rule.filter.match(session('gw-1', 'other'))).toBe(false);
	});
});
