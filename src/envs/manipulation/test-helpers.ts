/** Test helpers for the manipulation tasks' frames (not part of the library API). */
import { projector } from '../test-helpers.js';

/** Pixels of an H×W×C frame whose every channel equals `colour` (to float32 precision). */
export function countColour(frame: Float32Array, channels: number, colour: readonly number[]): number {
  let n = 0;
  for (let p = 0; p < frame.length; p += channels) {
    let same = true;
    for (let c = 0; c < channels; c++) if (Math.abs(frame[p + c] - colour[c]) > 1e-6) same = false;
    if (same) n++;
  }
  return n;
}

/**
 * Pixels an opaque shape covers fully: those whose centre lies at least half a pixel inside it
 * (the rasteriser's coverage is clamp(½ − signed distance, 0, 1), src/render/canvas.ts).
 * `inside(x, y)` is the signed distance in pixels of a pixel centre from the shape's boundary.
 */
function fullyCovered(size: number, inside: (col: number, row: number) => number): number {
  let n = 0;
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) if (inside(j + 0.5, i + 0.5) <= -0.5) n++;
  return n;
}

export function discPixels(size: number, view: { center: readonly [number, number]; halfExtent: number }, x: number, y: number, r: number): number {
  const [px, py] = projector(size, view.center, view.halfExtent)(x, y);
  const pr = (r * size) / (2 * view.halfExtent);
  return fullyCovered(size, (c, rw) => Math.hypot(c - px, rw - py) - pr);
}

/** An axis-aligned world rectangle centred at (x, y) with half sizes hx, hy. */
export function boxPixels(size: number, view: { center: readonly [number, number]; halfExtent: number }, x: number, y: number, hx: number, hy: number): number {
  const project = projector(size, view.center, view.halfExtent);
  const [c0, r0] = project(x - hx, y + hy);
  const [c1, r1] = project(x + hx, y - hy);
  return fullyCovered(size, (c, rw) => Math.max(c0 - c, c - c1, r0 - rw, rw - r1));
}
