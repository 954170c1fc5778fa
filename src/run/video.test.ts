import omggif from 'omggif';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../envs/registry.js';
import { rollout } from '../envs/rollout.js';
import { Rng } from '../random/rng.js';
import { encodeRgbaGif, toRgba, type Image, type Rect } from './images.js';
import { encodeVideo, filmedRollout, recordingEnv, taskLegend, videoFrames, type FilmedEpisode, type VideoStyle } from './video.js';

/** Every frame of a GIF as RGBA, decoded by omggif (an independent decoder). */
function decodeGif(bytes: Uint8Array): { width: number; height: number; frames: Uint8Array[]; delays: number[] } {
  const r = new omggif.GifReader(bytes);
  const frames: Uint8Array[] = [], delays: number[] = [];
  for (let i = 0; i < r.numFrames(); i++) {
    const px = new Uint8Array(r.width * r.height * 4);
    r.decodeAndBlitFrameRGBA(i, px);
    frames.push(px);
    delays.push(r.frameInfo(i).delay * 10);
  }
  return { width: r.width, height: r.height, frames, delays };
}

/** The RGB bytes of a rectangle of an RGBA image `width` wide. */
function crop(rgba: Uint8Array, width: number, r: Rect): number[] {
  const out: number[] = [];
  for (let i = r.y; i < r.y + r.h; i++) for (let j = r.x; j < r.x + r.w; j++) out.push(rgba[(i * width + j) * 4], rgba[(i * width + j) * 4 + 1], rgba[(i * width + j) * 4 + 2]);
  return out;
}

/** Pixels of a rectangle with exactly colour `rgb`. */
function count(rgba: Uint8Array, width: number, r: Rect, rgb: readonly number[]): number {
  const px = crop(rgba, width, r);
  let n = 0;
  for (let p = 0; p < px.length; p += 3) if (px[p] === rgb[0] && px[p + 1] === rgb[1] && px[p + 2] === rgb[2]) n++;
  return n;
}

const TEXT = [240, 240, 240], DIM = [190, 190, 190], SUCCESS = [60, 220, 60];

/** Two short nav2d episodes filmed through a recording env, the second started at the goal (so it succeeds), with noise for a decoded panel. */
async function nav2dEpisodes(withDecoded: boolean): Promise<FilmedEpisode[]> {
  const env = recordingEnv(await makeEnv('nav2d', { horizon: 6 }));
  const rng = new Rng(3);
  const out: FilmedEpisode[] = [];
  for (const seed of [11, 12]) {
    const policy = seed === 11 ? () => [rng.normal() * 0.5, rng.normal() * 0.5] : (ts: { state: Float64Array }) => [ts.state[2] - ts.state[0], ts.state[3] - ts.state[1]];
    const ep = await rollout(env, policy, seed);
    const f = filmedRollout(env.spec, ep, env.recorded(seed));
    // Noise in [0, 1]: thousands of colours, more than a GIF frame's palette holds.
    const decoded: Image[] | undefined = withDecoded ? f.camera.slice(1).map((c) => ({ ...c, data: Float32Array.from(c.data, () => rng.uniform()) })) : undefined;
    out.push({ ...f, decoded });
  }
  env.close();
  return out;
}

describe('recordingEnv', () => {
  it("notes the reset's and every step's distance and success without changing the episode", async () => {
    const plain = await makeEnv('nav2d', { horizon: 8 });
    const rec = recordingEnv(await makeEnv('nav2d', { horizon: 8 }));
    const act = () => [0.3, -0.2];
    const a = await rollout(plain, act, 5);
    const b = await rollout(rec, act, 5);
    expect(b.states).toEqual(a.states);
    expect(b.observations).toEqual(a.observations);
    const r = rec.recorded(5);
    expect(r.distance.length).toBe(9);
    expect(r.distance[0]).toBe((await plain.reset(5)).info.distance);
    expect(r.distance.slice(1)).toEqual(a.infos.map((i) => i.distance));
    expect(r.success.slice(1)).toEqual(a.infos.map((i) => i.success));
    expect(() => rec.recorded(6)).toThrow(/no recorded episode with seed 6/);
    plain.close();
    rec.close();
  });
});

describe('taskLegend', () => {
  it.each([
    ['nav2d', { channels: 2 }, ['agent', 'goal']],
    ['nav2d-sparse', { channels: 3 }, ['agent', 'goal']],
    ['car', {}, ['car', 'car front', 'goal']],
    ['reacher', {}, ['arm', 'fingertip', 'target', 'base']],
  ] as const)('names the colours %s draws, each found in its camera images', async (name, params, names) => {
    const env = await makeEnv(name, params);
    const legend = taskLegend(name, env.spec.observation.shape[2]);
    expect(legend.map((e) => e.name)).toEqual(names);
    const [height, width, channels] = env.spec.observation.shape;
    const ep = await rollout(env, () => [0.4, -0.3], 1);
    env.close();
    const frames = ep.observations.map((data) => toRgba({ data, height, width, channels }).rgba);
    for (const e of legend) {
      const found = frames.some((px) => {
        for (let p = 0; p < px.length; p += 4) if (px[p] === e.rgb[0] && px[p + 1] === e.rgb[1] && px[p + 2] === e.rgb[2]) return true;
        return false;
      });
      expect(found, `${name}: ${e.name} ${e.rgb}`).toBe(true);
    }
  });

  it('is empty for a task it does not know', () => {
    expect(taskLegend('robot-arm', 3)).toEqual([]);
  });
});

describe('encodeRgbaGif', () => {
  it('keeps every colour of a frame with at most 256 of them', () => {
    const rng = new Rng(1);
    const colours = Array.from({ length: 256 }, () => [rng.int(256), rng.int(256), rng.int(256)]);
    const width = 40, height = 30;
    const rgba = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) rgba.set([...colours[(p * 7) % 256], 255], p * 4);
    const gif = decodeGif(encodeRgbaGif([{ image: { rgba, width, height }, delayMs: 50 }]));
    expect(gif.frames[0]).toEqual(rgba);
    expect(gif.delays).toEqual([50]);
  });
});

describe('captioned video', () => {
  const style: VideoStyle = { scale: 2, delayMs: 100, legend: taskLegend('nav2d', 2), title: 'test on nav2d, seed 0' };

  it('has a title card and a frame per camera image per episode, its panels exactly the upscaled images, captions where drawn', async () => {
    const episodes = await nav2dEpisodes(true);
    const frames = videoFrames(episodes, style);
    const gif = decodeGif(encodeVideo(episodes, style));
    expect(gif.frames.length).toBe(2 * (1 + 7));
    expect(frames.map((f) => f.kind)).toEqual(['title', ...Array(7).fill('step'), 'title', ...Array(7).fill('step')]);
    expect([gif.width, gif.height]).toEqual([frames[0].image.width, frames[0].image.height]);
    // Upscaled to at least 128 pixels per panel, whatever gif_scale says.
    const step = frames[1];
    if (step.kind !== 'step') throw new Error('expected a step frame');
    expect(step.layout.scale).toBe(4);
    expect(step.layout.camera.w).toBe(128);
    let sawSuccess = false;
    frames.forEach((f, i) => {
      const px = gif.frames[i];
      if (f.kind === 'title') {
        // Nothing of the episode shows on a title card; its text does.
        expect(count(px, gif.width, step.layout.camera, [48, 48, 48])).toBeGreaterThan(0.9 * 128 * 128);
        expect(crop(px, gif.width, { x: 0, y: 0, w: gif.width, h: gif.height }).some((v, k) => v === TEXT[k % 3])).toBe(true);
        expect(gif.delays[i]).toBe(1000);
        return;
      }
      const e = episodes[f.episode - 1];
      const { layout } = f;
      expect(crop(px, gif.width, layout.camera)).toEqual(crop(toRgba(e.camera[f.t], layout.scale).rgba, layout.camera.w, { x: 0, y: 0, w: layout.camera.w, h: layout.camera.h }));
      // The decoded panel is approximated (thousands of colours), close to the image.
      if (f.t < e.decoded!.length) {
        const want = crop(toRgba(e.decoded![f.t], layout.scale).rgba, layout.decoded!.w, { x: 0, y: 0, w: layout.decoded!.w, h: layout.decoded!.h });
        const got = crop(px, gif.width, layout.decoded!);
        expect(got.reduce((a, v, k) => a + Math.abs(v - want[k]), 0) / got.length).toBeLessThan(20);
      }
      expect(count(px, gif.width, layout.counter, TEXT)).toBeGreaterThan(50);
      expect(count(px, gif.width, layout.distance, TEXT)).toBeGreaterThan(50);
      for (const l of layout.labels) expect(count(px, gif.width, l, DIM)).toBeGreaterThan(20);
      layout.swatches.forEach((s, k) => expect(count(px, gif.width, s, style.legend[k].rgb)).toBe(s.w * s.h));
      const marked = count(px, gif.width, layout.success, SUCCESS) > 0;
      expect(marked, `episode ${f.episode} t ${f.t}`).toBe(e.success[f.t]);
      sawSuccess ||= marked;
      // The last step is held so its distance and mark can be read.
      expect(gif.delays[i]).toBe(f.t === e.camera.length - 1 ? 1000 : 100);
    });
    expect(sawSuccess).toBe(true);
  });

  it('captions differ where the step and distance differ (text drawn from the values)', async () => {
    const [e] = await nav2dEpisodes(false);
    const frames = videoFrames([e], style);
    const a = frames[1], b = frames[2];
    if (a.kind !== 'step' || b.kind !== 'step') throw new Error('expected step frames');
    expect(a.layout.decoded).toBeUndefined();
    expect(crop(a.image.rgba, a.image.width, a.layout.counter)).not.toEqual(crop(b.image.rgba, b.image.width, b.layout.counter));
    expect(crop(a.image.rgba, a.image.width, a.layout.distance)).not.toEqual(crop(b.image.rgba, b.image.width, b.layout.distance));
  });

  it('refuses episodes whose step records do not match their images', async () => {
    const [e] = await nav2dEpisodes(false);
    expect(() => videoFrames([{ ...e, distance: e.distance.slice(1) }], style)).toThrow(/7 camera images but 6 distances/);
    expect(() => videoFrames([], style)).toThrow(/no episodes/);
  });
});
