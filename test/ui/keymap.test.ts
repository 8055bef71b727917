import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {bindingsFor, footerHints, resolveKey, scopes} from '../../source/ui/keymap.js';

const none: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

describe('keymap', () => {
	it('resolves the contract keys of the table', () => {
		const table = (input: string, key: Partial<Key> = {}) => resolveKey('table', input, {...none, ...key}, false)?.command;
		expect(table('j')).toBe('down');
		expect(table('', {downArrow: true})).toBe('down');
		expect(table('k')).toBe('up');
		expect(table('', {pageDown: true})).toBe('pageDown');
		expect(table('g')).toBe('top');
		expect(table('', {end: true})).toBe('bottom');
		expect(table('G')).toBe('bottom');
		expect(table('/')).toBe('filter');
		expect(table('<')).toBe('sortPrevious');
		expect(table('>')).toBe('sortNext');
		expect(table('r')).toBe('reverse');
		expect(table('', {return: true})).toBe('open');
		expect(table(' ')).toBe('mark');
		expect(table('K')).toBe('kick');
		expect(table('B')).toBe('block');
		expect(table('U')).toBe('unblock');
		expect(table('p')).toBe('pause');
		expect(table('o')).toBe('toggleInactive');
		expect(table('e')).toBe('export');
		expect(table('c')).toBe('copy');
		expect(table('?')).toBe('help');
		expect(table('q')).toBe('quit');
		expect(table('c', {ctrl: true})).toBe('quit');
		expect(table('x')).toBeUndefined();
		// Alt+j is not j.
		expect(table('j', {meta: true})).toBeUndefined();
	});

	it('lets q be typed in a prompt but Ctrl-C quit from anywhere', () => {
		expect(resolveKey('prompt', 'q', none, false)).toBeUndefined();
		for (const scope of scopes) expect(resolveKey(scope, 'c', {...none, ctrl: true}, false)?.command).toBe('quit');
	});

	it('cancels a dialog on any key but y and Y', () => {
		expect(resolveKey('confirm', 'y', none, false)?.command).toBe('confirm');
		expect(resolveKey('confirm', 'Y', none, false)?.command).toBe('confirmDestructive');
		expect(resolveKey('confirm', 'n', none, false)?.command).toBe('cancel');
		expect(resolveKey('confirm', '', {...none, return: true}, false)?.command).toBe('cancel');
	});

	it('has no broker actions in read-only mode', () => {
		for (const scope of scopes) {
			expect(bindingsFor(scope, true).filter((b) => b.writes)).toEqual([]);
			expect(footerHints(scope, true).map((h) => h.label)).not.toContain('kick');
		}

		expect(resolveKey('table', 'K', none, true)).toBeUndefined();
		expect(resolveKey('table', 'K', none, false)?.command).toBe('kick');
	});

	it('binds no key twice within a scope', () => {
		for (const scope of scopes) {
			const seen = new Set<string>();
			for (const binding of bindingsFor(scope, false)) {
				for (const spec of binding.keys) {
					const id = JSON.stringify(spec);
					expect(seen.has(id), `${scope}: ${id}`).toBe(false);
					seen.add(id);
				}
			}
		}
	});
});
