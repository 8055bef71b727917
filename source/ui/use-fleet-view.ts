import {useRef} from 'react';
import type {MonitoredNode} from '../broker/driver.js';
import {FleetView} from '../fleet/fleet-view.js';

/**
 * One FleetView for as long as the nodes' stores stay the same ones: a new view would make the
 * snapshot source start over (and lose its change tracking) on every render.
 */
export function useFleetView(nodes: readonly MonitoredNode[]): FleetView {
	const kept = useRef<FleetView | undefined>(undefined);
	const current = kept.current;
	const same = current !== undefined && current.stores.length === nodes.length && nodes.every((n, i) => current.stores[i] === n.store);
	if (!same) kept.current = new FleetView(nodes.map((n) => n.store));
	return kept.current!;
}
