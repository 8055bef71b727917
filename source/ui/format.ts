import {theme} from './theme.js';

/** A compact duration like `42s`, `3m12s`, `5h07m`, `4d02h`, `365d`: at most 6 cells below 27 centuries. */
export function formatDuration(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
	const h = Math.floor(m / 60);
	if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
	const d = Math.floor(h / 24);
	return d < 100 ? `${d}d${String(h % 24).padStart(2, '0')}h` : `${d}d`;
}

const countUnits = ['k', 'M', 'G'];

/**
 * A count in at most 5 cells: `9999`, `12.3k`, `123k`, `4.5M`. Rounding that would spill into a
 * sixth cell (99 960 → `100.0k`) moves on to the whole or the next unit instead.
 */
export function formatCount(n: number): string {
	if (n < 10_000) return String(Math.round(n));
	let scaled = n;
	for (const unit of countUnits) {
		scaled /= 1000;
		if (scaled < 99.95) return `${scaled.toFixed(1)}${unit}`;
		if (scaled < 999.5) return `${Math.round(scaled)}${unit}`;
	}

	return `${Math.round(scaled)}G`;
}

/** Events per second with just enough precision to tell a trickle from nothing. */
export function formatRate(perSecond: number): string {
	if (perSecond === 0) return '0';
	if (perSecond < 0.1) return perSecond.toFixed(2);
	if (perSecond < 10) return perSecond.toFixed(1);
	return Math.round(perSecond).toString();
}

/** `series` (oldest first) folded into `width` buckets and drawn with block characters. */
export function sparkline(series: number[], width: number): string {
	if (width <= 0 || series.length === 0) return '';
	const per = Math.ceil(series.length / width);
	const buckets: number[] = [];
	// Fold from the newest end so the last character is always the most recent seconds.
	for (let end = series.length; end > 0 && buckets.length < width; end -= per) {
		let sum = 0;
		for (let i = Math.max(0, end - per); i < end; i++) sum += series[i];
		buckets.unshift(sum);
	}

	const max = Math.max(...buckets);
	const top = theme.sparks.length - 1;
	return buckets.map((n) => (max === 0 || n === 0 ? theme.sparks[0] : theme.sparks[Math.max(1, Math.round((n / max) * top))])).join('');
}

function pad2(n: number): string {
	return String(n).padStart(2, '0');
}

/** Local wall-clock time; the date too when it is not today. */
export function formatClock(time: number, now: number): string {
	const t = new Date(time);
	const clock = `${pad2(t.getHours())}:${pad2(t.getMinutes())}:${pad2(t.getSeconds())}`;
	const today = new Date(now);
	if (t.toDateString() === today.toDateString()) return clock;
	return `${t.getFullYear()}-${pad2(t.getMonth() + 1)}-${pad2(t.getDate())} ${clock}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
	return `${n} ${n === 1 ? word : many}`;
}
