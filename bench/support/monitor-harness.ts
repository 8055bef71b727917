import {render, type Instance} from 'ink';
import React from 'react';
import type {MonitoredNode} from '../../source/broker/driver.js';
import {App} from '../../source/ui/App.js';
import {inkRenderOptions} from '../../source/ui/render-options.js';
import type {LogFileInfo} from '../../source/ui/model/log-file-line.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';

export type HarnessOptions = {
	adapter: MonitoredNode;
	/** Further nodes watched at once (a fleet): the App shows them all, as the CLI does with several brokers. */
	others?: readonly MonitoredNode[];
	/** The monitor's --refresh in seconds. Pick a value no other timer uses: its interval is found by its period. */
	refreshSeconds: number;
	filter?: string;
	clientId?: string;
	columns?: number;
	rows?: number;
	/** The broker's log file, when the monitor reads one (its state is drawn in the header, as the CLI does). */
	logFile?: () => LogFileInfo;
};

type Waiter = {after: number; resolve: (at: number | undefined) => void; timer: NodeJS.Timeout};

type InkInternals = {rootNode?: {onComputeLayout?: () => void}};

/**
 * Ink's registry of live instances (stdout → Ink), reached by file URL because the package's
 * exports hide it. Through it the harness sees every React commit (Ink lays out on each one),
 * not only the throttled frames. Undefined if a future Ink moves it: frames are then used alone.
 */
async function loadInkInstances(): Promise<WeakMap<object, InkInternals> | undefined> {
	try {
		const url = new URL('instances.js', import.meta.resolve('ink'));
		return ((await import(url.href)) as {default: WeakMap<object, InkInternals>}).default;
	} catch {
		return undefined;
	}
}

const inkInstances = await loadInkInstances();

/**
 * The monitor's real App rendered by Ink into an off-screen 80×40 terminal, with the same render
 * options as the product (inkRenderOptions: at most 60 fps; not debug), instrumented at its two ends:
 *
 * - start: the App's refresh timer firing (a tick with new data), or a key written to stdin;
 * - end: Ink's onRender hook, plus a microtask, so the frame's write to the stream and the rest of
 *   the synchronous commit are included: the moment the event loop is free again. Only a frame
 *   drawn after a React commit that followed the start counts: Ink throttles frames (maxFps), and
 *   a frame left over from an earlier commit does not show the tick or the key yet.
 *
 * The refresh timer is found by wrapping setInterval just while the App mounts, so the App is
 * driven by its own timer, not by a test-only hook.
 */
export class MonitorHarness {
	readonly stdout: FakeStdout;
	readonly stdin = new FakeStdin();
	/** Milliseconds from each refresh tick to its frame. */
	readonly tickFrames: number[] = [];
	/** Ink's own time to compose each frame (its onRender hook's renderTime): the part React and the App do not own. */
	readonly renderTimes: number[] = [];
	frames = 0;
	private readonly instance: Instance;
	private pendingTick?: number;
	private waiters: Waiter[] = [];
	private tickFound = false;
	/** Time of the latest React commit, when Ink's internals could be reached. */
	private lastCommit = Number.NEGATIVE_INFINITY;
	private readonly seesCommits: boolean;
	private restoreTimers: () => void;

	constructor(options: HarnessOptions) {
		this.stdout = new FakeStdout(options.columns ?? 80, options.rows ?? 40);
		const period = options.refreshSeconds * 1000;
		const original = globalThis.setInterval;
		this.restoreTimers = () => {
			if (globalThis.setInterval !== original) globalThis.setInterval = original;
		};
		// eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper below is a plain function
		const harness = this;
		// Only the App's refresh interval is wrapped; every other timer passes through untouched.
		globalThis.setInterval = function (this: unknown, callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
			if (ms === period && !harness.tickFound) {
				harness.tickFound = true;
				globalThis.setInterval = original;
				const wrapped = (...a: unknown[]) => {
					harness.pendingTick ??= performance.now();
					callback(...a);
				};
				return original(wrapped, ms, ...args);
			}

			return original(callback, ms, ...args);
		} as typeof setInterval;

		this.instance = render(
			React.createElement(App, {
				nodes: [options.adapter, ...(options.others ?? [])],
				config: {
					refresh: options.refreshSeconds,
					filter: options.filter ?? '',
					readOnly: false,
					clientId: options.clientId ?? 'mqtt-top-bench',
				},
				logFile: options.logFile,
				audit: {ready: async () => {}, append: async () => {}},
				writeRaw: () => {},
			}),
			{
				stdout: this.stdout as unknown as NodeJS.WriteStream,
				stdin: this.stdin as unknown as NodeJS.ReadStream,
				stderr: this.stdout as unknown as NodeJS.WriteStream,
				...inkRenderOptions,
				debug: false,
				exitOnCtrlC: false,
				patchConsole: false,
				onRender: (metrics) => {
					inkRenderOptions.onRender();
					this.renderTimes.push(metrics.renderTime);
					queueMicrotask(() => this.frameDone());
				},
			},
		);

		const root = inkInstances?.get(this.stdout)?.rootNode;
		const layout = root?.onComputeLayout;
		this.seesCommits = typeof layout === 'function';
		if (root && layout) {
			// Ink lays the tree out in resetAfterCommit: once per React commit.
			root.onComputeLayout = () => {
				this.lastCommit = performance.now();
				layout();
			};
		}
	}

	/** Whether the App's refresh timer was found (else the tick figures cannot be measured). */
	get ticking(): boolean {
		return this.tickFound;
	}

	/** Whether a frame finished now shows what happened at `since` (a commit came after it). */
	private shows(since: number): boolean {
		return this.seesCommits ? this.lastCommit >= since : true;
	}

	private frameDone(): void {
		const at = performance.now();
		this.frames++;
		if (this.pendingTick !== undefined && this.shows(this.pendingTick)) {
			this.tickFrames.push(at - this.pendingTick);
			this.pendingTick = undefined;
		}

		const ready = this.waiters.filter((w) => at >= w.after && this.shows(w.after));
		if (ready.length === 0) return;
		this.waiters = this.waiters.filter((w) => !ready.includes(w));
		for (const waiter of ready) {
			clearTimeout(waiter.timer);
			waiter.resolve(at);
		}
	}

	/** Resolves with the time of the first frame finished after `after`, or undefined after `timeoutMs`. */
	nextFrame(after: number, timeoutMs = 5000): Promise<number | undefined> {
		return new Promise((resolve) => {
			const waiter: Waiter = {
				after,
				resolve,
				timer: setTimeout(() => {
					this.waiters = this.waiters.filter((w) => w !== waiter);
					resolve(undefined);
				}, timeoutMs),
			};
			this.waiters.push(waiter);
		});
	}

	/**
	 * Types `data` and resolves with the milliseconds from `arrivedAt` (when the key reached the
	 * terminal; later than that only if the event loop was busy) to the frame that shows it.
	 */
	async press(data: string, arrivedAt = performance.now(), timeoutMs = 5000): Promise<number | undefined> {
		// Only a frame after the key was read counts: one finished while the key waited does not show it.
		const frame = this.nextFrame(performance.now(), timeoutMs);
		this.stdin.press(data);
		const at = await frame;
		return at === undefined ? undefined : at - arrivedAt;
	}

	/** The header's "sort: …" label as last drawn, e.g. "Connected ▼". */
	sortLabel(): string | undefined {
		return /sort: ([^·]*?)\s*(?:·|$)/m.exec(this.screen())?.[1]?.trim();
	}

	/**
	 * Sorts by the column titled `title` the way an operator does: `>` until the header names it,
	 * then `r` for the direction. Returns the label reached (the caller checks it). Each press
	 * re-sorts every session: `timeoutMs` per frame must allow for that at a million.
	 */
	async sortBy(title: string, descending: boolean, timeoutMs = 5000): Promise<string | undefined> {
		for (let i = 0; i < 20 && !this.sortLabel()?.startsWith(title); i++) await this.press('>', performance.now(), timeoutMs);
		if (this.sortLabel()?.startsWith(title) && this.sortLabel()!.endsWith(descending ? '▲' : '▼'))
			await this.press('r', performance.now(), timeoutMs);
		return this.sortLabel();
	}

	/** Drops tick measurements taken so far (warm-up). */
	resetTicks(): void {
		this.tickFrames.length = 0;
		this.renderTimes.length = 0;
	}

	/** The last frame Ink composed (styled lines, before the terminal escapes that draw it). */
	composed(): string | undefined {
		return (inkInstances?.get(this.stdout) as {lastOutput?: string} | undefined)?.lastOutput;
	}

	/** The last frame as plain text (escape sequences removed), to check the view is what we think. */
	screen(): string {
		// eslint-disable-next-line no-control-regex
		return this.stdout.last.replace(/\u001B\[[0-9;?]*[A-Za-z]|\u001B\][^\u0007]*\u0007/g, '');
	}

	unmount(): void {
		this.restoreTimers();
		this.instance.unmount();
		this.instance.cleanup();
		for (const waiter of this.waiters) {
			clearTimeout(waiter.timer);
			waiter.resolve(undefined);
		}

		this.waiters = [];
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
