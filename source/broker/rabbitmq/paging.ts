// The management API pages its long listings (`?page=N&page_size=M` answers `{items, page_count,
// total_count}`), which keeps each request, and each answer held in memory, bounded.
import type {ManagementClient} from './http.js';

export type Page<T> = {items?: T[]; page?: number; page_count?: number; total_count?: number; filtered_count?: number};

export type PagedResult = {
	/** Whether the listing's total stayed the same from the first page to the last. */
	stable: boolean;
	pages: number;
};

/**
 * Reads every page of `path` (which may already carry query parameters), handing each page's
 * items to `onPage` as it arrives. Items move between pages when the listing changes while it is
 * read, so one may be seen twice or not at all: `stable` says whether that could have happened.
 */
export async function readPages<T>(
	client: ManagementClient,
	path: string,
	pageSize: number,
	onPage: (items: T[]) => void,
	signal?: AbortSignal,
): Promise<PagedResult> {
	const joiner = path.includes('?') ? '&' : '?';
	let firstTotal: number | undefined;
	let lastTotal: number | undefined;
	let page = 1;
	for (;;) {
		const answer = await client.get<Page<T>>(`${path}${joiner}page=${page}&page_size=${pageSize}`, {signal});
		const body = answer.body ?? {};
		const items = Array.isArray(body.items) ? body.items : [];
		lastTotal = body.filtered_count ?? body.total_count;
		firstTotal ??= lastTotal;
		onPage(items);
		const pageCount = typeof body.page_count === 'number' ? body.page_count : 1;
		if (page >= pageCount || items.length === 0) break;
		page++;
	}

	return {stable: firstTotal === lastTotal, pages: page};
}
