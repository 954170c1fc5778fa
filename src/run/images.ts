/**
 * Pictures of observations: H×W×C float images in [0, 1] to 8-bit RGBA (1 channel → grey,
 * 2 channels → red/green, 3 → RGB), PNG frames (pngjs) and animated GIFs (gifenc), with an
 * integer nearest-neighbour upscale so 32×32 frames are visible.
 */
import * as gifencModule from 'gifenc';
import { PNG } from 'pngjs';
import type { RgbaImage } from '../render/font.js';

export type { RgbaImage } from '../render/font.js';

// gifenc is CommonJS for Node (everything on the default export) and ESM for bundlers and
// vitest (named exports, with GIFEncoder itself as the default).
type Gifenc = typeof gifencModule.default;
const gifenc: Gifenc = 'GIFEncoder' in gifencModule ? (gifencModule as unknown as Gifenc) : gifencModule.default;

export interface Image {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** RGBA bytes of `img`, upscaled `scale`× by pixel replication. */
export function toRgba(img: Image, scale = 1): { rgba: Uint8Array; width: number; height: number } {
  const { data, height: H, width: W, channels: C } = img;
  if (data.length !== H * W * C) throw new Error(`toRgba: image has ${data.length} values, expected ${H}×${W}×${C}`);
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`toRgba: scale must be a positive integer, got ${scale}`);
  const w = W * scale, h = H * scale;
  const rgba = new Uint8Array(w * h * 4);
  const byte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));
  for (let i = 0; i < h; i++) {
    const si = Math.floor(i / scale);
    for (let j = 0; j < w; j++) {
      const s = (si * W + Math.floor(j / scale)) * C;
      const d = (i * w + j) * 4;
      const r = byte(data[s]);
      rgba[d] = r;
      rgba[d + 1] = C === 1 ? r : byte(data[s + 1]);
      rgba[d + 2] = C === 1 ? r : C === 2 ? 0 : byte(data[s + 2]);
      rgba[d + 3] = 255;
    }
  }
  return { rgba, width: w, height: h };
}

/** Places images side by side (same height), separated by a 1-pixel-wide grey gap. */
export function besideEachOther(images: readonly Image[]): Image {
  const H = images[0].height;
  if (images.some((im) => im.height !== H)) throw new Error('besideEachOther: images differ in height');
  const W = images.reduce((a, im) => a + im.width, 0) + images.length - 1;
  const out = new Float32Array(H * W * 3).fill(0.5);
  let x0 = 0;
  for (const im of images) {
    const { rgba } = toRgba(im);
    for (let i = 0; i < H; i++) for (let j = 0; j < im.width; j++) for (let c = 0; c < 3; c++) out[(i * W + x0 + j) * 3 + c] = rgba[(i * im.width + j) * 4 + c] / 255;
    x0 += im.width + 1;
  }
  return { data: out, height: H, width: W, channels: 3 };
}

export function encodePng(img: Image, scale = 1): Buffer {
  const { rgba, width, height } = toRgba(img, scale);
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}

export function decodePng(bytes: Buffer): { rgba: Uint8Array; width: number; height: number } {
  const png = PNG.sync.read(bytes);
  return { rgba: new Uint8Array(png.data), width: png.width, height: png.height };
}

/** A rectangle of pixels: left, top, width, height. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** One frame of `encodeRgbaGif`. */
export interface GifFrame {
  readonly image: RgbaImage;
  readonly delayMs: number;
  /**
   * Regions whose colours may be approximated (e.g. a decoded image of thousands of colours);
   * every other pixel keeps its exact colour whenever those colours fit in the palette.
   */
  readonly approximate?: readonly Rect[];
}

const MAX_COLORS = 256;

/**
 * The palette and indices of one frame. A GIF frame holds at most 256 colours: a frame with
 * no more keeps every colour exactly (gifenc's quantiser would round them to RGB565 first);
 * otherwise the colours outside `approximate` are kept exactly if they leave room, and the
 * rest of the palette is quantised from the approximate regions, each of their pixels drawn
 * in the nearest palette colour. Only when even that does not fit is the whole frame quantised.
 */
function indexFrame(f: GifFrame): { index: Uint8Array; palette: number[][] } {
  const { rgba, width, height } = f.image;
  const n = width * height;
  const key = (p: number) => (rgba[4 * p] << 16) | (rgba[4 * p + 1] << 8) | rgba[4 * p + 2];
  const inApprox = new Uint8Array(n);
  for (const r of f.approximate ?? []) {
    for (let i = Math.max(0, r.y); i < Math.min(height, r.y + r.h); i++) for (let j = Math.max(0, r.x); j < Math.min(width, r.x + r.w); j++) inApprox[i * width + j] = 1;
  }
  const exact = new Map<number, number>();
  const all = new Set<number>();
  // Upscaled images and captions come in runs of equal pixels: look each run up once.
  let lastKey = -1, lastApprox = -1;
  for (let p = 0; p < n; p++) {
    const k = key(p);
    if (k === lastKey && inApprox[p] === lastApprox) continue;
    lastKey = k;
    lastApprox = inApprox[p];
    if (all.size <= MAX_COLORS) all.add(k);
    if (!inApprox[p] && !exact.has(k) && exact.size <= MAX_COLORS) exact.set(k, exact.size);
  }
  let palette: number[][];
  if (all.size <= MAX_COLORS) {
    palette = [...all].map((k) => [(k >> 16) & 255, (k >> 8) & 255, k & 255]);
  } else if (exact.size <= MAX_COLORS - 16) {
    let m = 0;
    for (let p = 0; p < n; p++) m += inApprox[p];
    const approx = new Uint8Array(4 * m);
    for (let p = 0, q = 0; p < n; p++) {
      if (!inApprox[p]) continue;
      for (let c = 0; c < 4; c++) approx[q + c] = rgba[4 * p + c];
      q += 4;
    }
    palette = [...exact.keys()].map((k) => [(k >> 16) & 255, (k >> 8) & 255, k & 255]);
    palette.push(...gifenc.quantize(approx, MAX_COLORS - exact.size).map((c) => c.slice(0, 3)));
  } else {
    palette = gifenc.quantize(rgba, MAX_COLORS).map((c) => c.slice(0, 3));
  }
  const lookup = new Map<number, number>();
  palette.forEach((c, i) => {
    const k = (c[0] << 16) | (c[1] << 8) | c[2];
    if (!lookup.has(k)) lookup.set(k, i);
  });
  const index = new Uint8Array(n);
  let runKey = -1, runIndex = 0;
  for (let p = 0; p < n; p++) {
    const k = key(p);
    if (k === runKey) {
      index[p] = runIndex;
      continue;
    }
    let i = lookup.get(k);
    if (i === undefined) {
      let best = Infinity;
      i = 0;
      for (let c = 0; c < palette.length; c++) {
        const d = (palette[c][0] - rgba[4 * p]) ** 2 + (palette[c][1] - rgba[4 * p + 1]) ** 2 + (palette[c][2] - rgba[4 * p + 2]) ** 2;
        if (d < best) { best = d; i = c; }
      }
      lookup.set(k, i);
    }
    index[p] = i;
    runKey = k;
    runIndex = i;
  }
  return { index, palette };
}

/** An animated GIF of RGBA frames, each with its own delay and palette (see `indexFrame`), looping. */
export function encodeRgbaGif(frames: readonly GifFrame[]): Uint8Array {
  if (frames.length === 0) throw new Error('encodeRgbaGif: no frames');
  const gif = gifenc.GIFEncoder();
  for (const f of frames) {
    const { index, palette } = indexFrame(f);
    gif.writeFrame(index, f.image.width, f.image.height, { palette, delay: f.delayMs });
  }
  gif.finish();
  return gif.bytes();
}

/** An animated GIF of the frames, `delayMs` per frame, looping; one palette per frame. */
export function encodeGif(frames: readonly Image[], scale = 1, delayMs = 100): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  const gif = gifenc.GIFEncoder();
  for (const f of frames) {
    const { rgba, width, height } = toRgba(f, scale);
    const palette = gifenc.quantize(rgba, 256);
    gif.writeFrame(gifenc.applyPalette(rgba, palette), width, height, { palette, delay: delayMs });
  }
  gif.finish();
  return gif.bytes();
}
