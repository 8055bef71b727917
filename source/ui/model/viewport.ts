/**
 * The first visible row: scrolls as little as possible to keep the cursor on screen, and never
 * leaves empty space at the bottom when there are rows to fill it.
 */
export function windowTop(previousTop: number, cursor: number, pageSize: number, count: number): number {
	if (pageSize <= 0 || count <= pageSize) return 0;
	let top = previousTop;
	if (cursor < top) top = cursor;
	if (cursor >= top + pageSize) top = cursor - pageSize + 1;
	return Math.max(0, Math.min(top, count - pageSize));
}
