/**
 * A top-down orthographic rasteriser with anti-aliasing, small and fast enough to render a
 * 64×64×3 frame in tens of microseconds.
 *
 * World → pixel: a square view of half-width `halfExtent` around `center`; x grows to the
 * right, y grows *up* in the world and down the rows, so
 *   col = (x − cx + h) · s,   row = (cy + h − y) · s,   s = size / (2h) pixels per unit,
 * and pixel (i, j) has its centre at (j + ½, i + ½).
 *
 * Anti-aliasing by signed distance: a pixel whose centre lies at signed distance d (in
 * pixels, negative inside) from a shape's boundary is covered by α = clamp(½ − d, 0, 1), the
 * exact box-filtered coverage of a straight edge. Shapes are composited "over" in draw order,
 * value ← (1 − α)·value + α·colour, per channel. Coverage is symmetric about a symmetric
 * shape's centre, so a blob's intensity centroid is its projected centre (sub-pixel accurate).
 */

export interface View {
  /** World coordinates of the image centre. */
  readonly center: readonly [number, number];
  /** Half the side of the square world region shown. */
  readonly halfExtent: number;
}

export type Color = readonly number[];

export class Canvas {
  readonly data: Float32Array;
  /** Pixels per world unit. */
  readonly scale: number;
  private readonly ox: number;
  private readonly oy: number;

  constructor(
    readonly size: number,
    readonly channels: number,
    view: View,
  ) {
    if (!Number.isInteger(size) || size < 4) throw new Error(`Canvas: image size must be an integer ≥ 4, got ${size}`);
    if (!Number.isInteger(channels) || channels < 1 || channels > 4) throw new Error(`Canvas: channels must be 1..4, got ${channels}`);
    if (!(view.halfExtent > 0)) throw new Error(`Canvas: halfExtent must be positive, got ${view.halfExtent}`);
    this.data = new Float32Array(size * size * channels);
    this.scale = size / (2 * view.halfExtent);
    this.ox = view.center[0] - view.halfExtent;
    this.oy = view.center[1] + view.halfExtent;
  }

  /** Pixel coordinates (col, row) of a world point, continuous (pixel centres at +½). */
  project(x: number, y: number): [number, number] {
    return [(x - this.ox) * this.scale, (this.oy - y) * this.scale];
  }

  clear(value = 0): void {
    this.data.fill(value);
  }

  /** A filled disc of world radius r. */
  disc(x: number, y: number, r: number, color: Color): void {
    const [px, py] = this.project(x, y);
    const pr = r * this.scale;
    this.shade(px - pr, py - pr, px + pr, py + pr, color, (cx, cy) => Math.hypot(cx - px, cy - py) - pr);
  }

  /** A ring (annulus) of world radius r and world line width w. */
  ring(x: number, y: number, r: number, w: number, color: Color): void {
    const [px, py] = this.project(x, y);
    const pr = r * this.scale, hw = 0.5 * w * this.scale;
    this.shade(px - pr - hw, py - pr - hw, px + pr + hw, py + pr + hw, color, (cx, cy) => Math.abs(Math.hypot(cx - px, cy - py) - pr) - hw);
  }

  /** A capsule: all points within world radius r of the segment (x0, y0)–(x1, y1). */
  capsule(x0: number, y0: number, x1: number, y1: number, r: number, color: Color): void {
    const [ax, ay] = this.project(x0, y0);
    const [bx, by] = this.project(x1, y1);
    const pr = r * this.scale;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    this.shade(Math.min(ax, bx) - pr, Math.min(ay, by) - pr, Math.max(ax, bx) + pr, Math.max(ay, by) + pr, color, (cx, cy) => {
      const t = len2 > 0 ? Math.min(1, Math.max(0, ((cx - ax) * dx + (cy - ay) * dy) / len2)) : 0;
      return Math.hypot(cx - ax - t * dx, cy - ay - t * dy) - pr;
    });
  }

  /**
   * A convex polygon given by world vertices [x0, y0, x1, y1, …] in either winding. The signed
   * distance is approximated by the largest signed distance to an edge line, exact along
   * edges (the anti-aliased band) and only slightly sharp at outside corners.
   */
  convexPolygon(vertices: readonly number[], color: Color): void {
    const n = vertices.length / 2;
    if (n < 3 || !Number.isInteger(n)) throw new Error(`Canvas.convexPolygon: need ≥ 3 vertices, got ${vertices.length} numbers`);
    const px = new Float64Array(n), py = new Float64Array(n);
    let area = 0;
    for (let i = 0; i < n; i++) [px[i], py[i]] = this.project(vertices[2 * i], vertices[2 * i + 1]);
    for (let i = 0; i < n; i++) { const j = (i + 1) % n; area += px[i] * py[j] - px[j] * py[i]; }
    const sign = area > 0 ? 1 : -1;
    // Outward unit normals and offsets: d_e(c) = n_e · c − o_e.
    const nx = new Float64Array(n), ny = new Float64Array(n), off = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ex = px[j] - px[i], ey = py[j] - py[i];
      const len = Math.hypot(ex, ey) || 1;
      nx[i] = (sign * ey) / len;
      ny[i] = (-sign * ex) / len;
      off[i] = nx[i] * px[i] + ny[i] * py[i];
    }
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) { x0 = Math.min(x0, px[i]); x1 = Math.max(x1, px[i]); y0 = Math.min(y0, py[i]); y1 = Math.max(y1, py[i]); }
    this.shade(x0, y0, x1, y1, color, (cx, cy) => {
      let d = -Infinity;
      for (let e = 0; e < n; e++) d = Math.max(d, nx[e] * cx + ny[e] * cy - off[e]);
      return d;
    });
  }

  /** Composites `color` over the pixels of a bounding box (pixel units) by coverage ½ − sd. */
  private shade(x0: number, y0: number, x1: number, y1: number, color: Color, sd: (cx: number, cy: number) => number): void {
    const C = this.channels, S = this.size, data = this.data;
    if (color.length !== C) throw new Error(`Canvas: colour has ${color.length} channels, image has ${C}`);
    const j0 = Math.max(0, Math.floor(x0 - 1)), j1 = Math.min(S - 1, Math.ceil(x1 + 1));
    const i0 = Math.max(0, Math.floor(y0 - 1)), i1 = Math.min(S - 1, Math.ceil(y1 + 1));
    for (let i = i0; i <= i1; i++) {
      const cy = i + 0.5;
      for (let j = j0; j <= j1; j++) {
        const a = 0.5 - sd(j + 0.5, cy);
        if (a <= 0) continue;
        const alpha = a >= 1 ? 1 : a;
        const base = (i * S + j) * C;
        for (let c = 0; c < C; c++) data[base + c] += alpha * (color[c] - data[base + c]);
      }
    }
  }
}

/** Intensity-weighted centroid (col, row) of one channel, in pixel coordinates. */
export function channelCentroid(data: Float32Array, size: number, channels: number, channel: number): [number, number, number] {
  let m = 0, mx = 0, my = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = data[(i * size + j) * channels + channel];
      m += v;
      mx += v * (j + 0.5);
      my += v * (i + 0.5);
    }
  }
  return [mx / m, my / m, m];
}
