import {collectAfterFrame} from './idle-collection.js';

/**
 * How the monitor asks Ink to draw (the CLI and the bench's harness use the same): frames may
 * follow each other 17 ms apart instead of Ink's default 33, so a key pressed just after a refresh
 * is drawn sooner. Frames are still drawn only when React commits: ticks and key presses.
 * Ink 6.8's incrementalRendering (write only the lines that changed) wrote about a third of the
 * bytes and saved ~10 % of Ink's time, but left stale and doubled lines on a real terminal (tmux)
 * when rows moved, so it is off. After each frame the young generation is emptied while the
 * monitor is idle (idle-collection.ts).
 */
export const inkRenderOptions = {maxFps: 60, onRender: collectAfterFrame} as const;
