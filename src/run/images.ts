/**
 * Pictures of observations: H×W×C float images in [0, 1] to 8-bit RGBA (1 channel → grey,
 * 2 channels → red/green, 3 → RGB), PNG frames (pngjs) and animated GIFs (gifenc), with an
 * integer nearest-neighbour upscale so 32×32 frames are visible.
 */
import * as gifencModule from 'gifenc';
import { PNG } from 'pngjs';

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
