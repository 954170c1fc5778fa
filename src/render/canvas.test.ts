import { describe, expect, it } from 'vitest';
import { Canvas, channelCentroid } from './canvas.js';

const view = { center: [0, 0] as const, halfExtent: 1 };

describe('Canvas', () => {
  it('projects world to pixel coordinates with y up', () => {
    const c = new Canvas(32, 1, view);
    expect(c.project(-1, 1)).toEqual([0, 0]);
    expect(c.project(1, -1)).toEqual([32, 32]);
    expect(c.project(0, 0)).toEqual([16, 16]);
    expect(c.project(0.5, 0.25)).toEqual([24, 12]);
  });

  it('draws a disc whose centroid is its projected centre to sub-pixel accuracy, at arbitrary offsets', () => {
    for (const [x, y] of [[0.123, -0.456], [-0.7, 0.31], [0.01, 0.02]]) {
      const c = new Canvas(32, 1, view);
      c.disc(x, y, 0.1, [1]);
      const [cx, cy] = channelCentroid(c.data, 32, 1, 0);
      const [px, py] = c.project(x, y);
      expect(Math.abs(cx - px)).toBeLessThan(0.05);
      expect(Math.abs(cy - py)).toBeLessThan(0.05);
    }
  });

  it('covers a disc with total intensity equal to its area in pixels (anti-aliasing conserves area)', () => {
    const c = new Canvas(64, 1, view);
    c.disc(0.0321, -0.111, 0.3, [1]);
    const [, , mass] = channelCentroid(c.data, 64, 1, 0);
    const area = Math.PI * (0.3 * 32) ** 2;
    expect(Math.abs(mass - area) / area).toBeLessThan(0.005);
  });

  it('anti-aliases: edge pixels take fractional values, interior is 1, exterior 0', () => {
    const c = new Canvas(32, 1, view);
    c.disc(0.0, 0.0, 0.5, [1]);
    const values = Array.from(c.data);
    expect(values.some((v) => v > 0.05 && v < 0.95)).toBe(true);
    expect(c.data[16 * 32 + 16]).toBe(1);
    expect(c.data[0]).toBe(0);
  });

  it('draws a capsule whose centroid is the segment midpoint and whose area matches', () => {
    const c = new Canvas(64, 1, view);
    const r = 0.05;
    c.capsule(-0.3, -0.2, 0.4, 0.35, r, [1]);
    const [cx, cy, mass] = channelCentroid(c.data, 64, 1, 0);
    const [mx, my] = c.project(0.05, 0.075);
    expect(Math.hypot(cx - mx, cy - my)).toBeLessThan(0.05);
    const len = Math.hypot(0.7, 0.55);
    const area = (2 * r * len + Math.PI * r * r) * 32 * 32;
    expect(Math.abs(mass - area) / area).toBeLessThan(0.01);
  });

  it('draws a convex polygon of the right area and centroid in either winding', () => {
    for (const verts of [[-0.5, -0.25, 0.5, -0.25, 0.5, 0.25, -0.5, 0.25], [-0.5, 0.25, 0.5, 0.25, 0.5, -0.25, -0.5, -0.25]]) {
      const c = new Canvas(64, 1, view);
      c.convexPolygon(verts.map((v, i) => v + (i % 2 === 0 ? 0.0137 : -0.021)), [1]);
      const [cx, cy, mass] = channelCentroid(c.data, 64, 1, 0);
      const [px, py] = c.project(0.0137, -0.021);
      expect(Math.hypot(cx - px, cy - py)).toBeLessThan(0.05);
      expect(Math.abs(mass - 0.5 * 32 * 32) / (0.5 * 32 * 32)).toBeLessThan(0.01);
    }
  });

  it('composites over: a later shape replaces an earlier one where it fully covers it', () => {
    const c = new Canvas(16, 3, view);
    c.disc(0, 0, 0.5, [1, 0, 0]);
    c.disc(0, 0, 0.2, [0, 0, 1]);
    const centre = (8 * 16 + 8) * 3;
    expect(Array.from(c.data.subarray(centre, centre + 3))).toEqual([0, 0, 1]);
  });

  it('clips shapes at the image border without error', () => {
    const c = new Canvas(16, 1, view);
    c.disc(1.0, 1.0, 0.3, [1]);
    c.capsule(-2, -2, 2, 2, 0.1, [0.5]);
    expect(c.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('rejects a colour with the wrong number of channels and bad sizes', () => {
    const c = new Canvas(16, 3, view);
    expect(() => c.disc(0, 0, 0.1, [1])).toThrow(/colour has 1 channels, image has 3/);
    expect(() => new Canvas(2, 1, view)).toThrow(/image size/);
    expect(() => new Canvas(16, 5, view)).toThrow(/channels/);
  });
});
