import {useStdout} from 'ink';
import {useEffect, useRef, useState} from 'react';
import type {ConnectionState} from '../broker/adapter.js';
import type {BrokerNode} from '../broker/driver.js';

export type Size = {columns: number; rows: number};

/** The terminal's size, following resizes. `fixed` pins it (tests, or a non-TTY stream). */
export function useTerminalSize(fixed?: Size): Size {
	const {stdout} = useStdout();
	const read = (): Size => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return;
		const onResize = () => setSize(read());
		// Ahead of Ink's own listener, which redraws the tree it has: were the App still sized for
		// the old screen, a taller frame would scroll, and some terminals (tmux) keep the lines
		// scrolled off an alternate screen, showing them in the shell once the monitor quits.
		stdout.prependListener('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// `read` is recreated each render; the listener only needs to change with the stream.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout, fixed]);
	return fixed ?? size;
}

/** Calls `callback` every `ms` (the latest callback, without restarting the timer). */
export function useInterval(callback: () => void, ms: number): void {
	const saved = useRef(callback);
	saved.current = callback;
	useEffect(() => {
		const timer = setInterval(() => saved.current(), ms);
		return () => clearInterval(timer);
	}, [ms]);
}

/** A node's connection state: it changes rarely, so it can be React state. */
export function useConnectionState(node: BrokerNode): ConnectionState {
	const [state, setState] = useState(() => node.connection());
	useEffect(() => {
		setState(node.connection());
		return node.onConnectionChange(setState);
	}, [node]);
	return state;
}
