/**
 * Videos of a policy acting (`solar watch`, the run's watch.gif, the training GIFs): per step
 * a captioned frame — the camera image (and, for the latent agents, the image decoded from the
 * latent the agent acted on) under a label each, the episode and step counter, the current
 * distance to the goal, a success mark, and a legend naming the task's colours — with a
 * title card between episodes. Images are upscaled so the 5×7 captions stay readable.
 */
import { makeEnv } from '../envs/registry.js';
import { PALETTE as CAR_PALETTE } from '../envs/car.js';
import { PALETTE as NAV2D_PALETTE } from '../envs/nav2d.js';
import { PALETTE as REACHER_PALETTE } from '../envs/reacher/reacher.js';
import type { Episode } from '../envs/rollout.js';
import type { Env, EnvSpec, StepInfo, TimeStep } from '../envs/types.js';
import { drawText, fillRect, GLYPH_HEIGHT, textWidth } from '../render/font.js';
import { encodeRgbaGif, toRgba, type GifFrame, type Image, type Rect, type RgbaImage } from './images.js';

type Rgb = readonly [number, number, number];

/** What one colour of a task's camera image is. */
export interface LegendEntry {
  readonly name: string;
  readonly rgb: Rgb;
}

/** One episode as a video shows it. */
export interface FilmedEpisode {
  /** Camera images o_0..o_T. */
  readonly camera: readonly Image[];
  /** Images decoded from the latents the agent acted on (SOLAR: x̂_0..x̂_{T−1}, one fewer than the camera's). */
  readonly decoded?: readonly Image[];
  /** Distance to the goal at each camera image (the reset's info, then each step's). */
  readonly distance: readonly number[];
  readonly success: readonly boolean[];
}

export interface VideoStyle {
  /** Pixel replication of the images (output.gif_scale), raised so a panel is at least MIN_PANEL pixels wide. */
  readonly scale: number;
  /** Per step (1000 / output.gif_fps). */
  readonly delayMs: number;
  readonly legend: readonly LegendEntry[];
  /** Shown on the title cards, e.g. "solar on nav2d, seed 0". */
  readonly title?: string;
  /** The first episode's number on the title cards (default 1). */
  readonly firstEpisode?: number;
  /** The total on the title cards (default: the episodes given). */
  readonly totalEpisodes?: number;
}

/** Where a frame's parts are, for tests and for anyone cropping the video. */
export interface FrameLayout {
  readonly camera: Rect;
  readonly decoded?: Rect;
  /** The image scale actually used. */
  readonly scale: number;
  readonly counter: Rect;
  readonly distance: Rect;
  /** The success mark's text; drawn only when the step's info says success. */
  readonly success: Rect;
  readonly labels: readonly Rect[];
  readonly swatches: readonly Rect[];
}

export type VideoFrame = GifFrame & ({ kind: 'title'; episode: number } | { kind: 'step'; episode: number; t: number; layout: FrameLayout });

/** Smallest panel side in pixels: a 32-pixel image is upscaled at least 4×. */
export const MIN_PANEL = 128;
/** Font pixels per caption pixel: 10×14-pixel characters. */
const FS = 2;
const PAD = 3 * FS;
const LINE = (GLYPH_HEIGHT + 4) * FS;
const GAP = 2 * FS;
const TITLE_MS = 1000;
const HOLD_MS = 1000;

const BACKGROUND: Rgb = [48, 48, 48];
const TEXT: Rgb = [240, 240, 240];
const DIM: Rgb = [190, 190, 190];
const SUCCESS: Rgb = [60, 220, 60];
const SWATCH_EDGE: Rgb = [160, 160, 160];

/** The task's colours as toRgba draws them (1 channel grey, 2 red/green, 3 RGB). */
function rgbOf(color: readonly number[]): Rgb {
  const b = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));
  if (color.length === 1) return [b(color[0]), b(color[0]), b(color[0])];
  if (color.length === 2) return [b(color[0]), b(color[1]), 0];
  return [b(color[0]), b(color[1]), b(color[2])];
}

const LEGEND_NAMES: Record<string, { palette: Record<string, Partial<Record<number, readonly number[]>>>; names: Record<string, string> }> = {
  nav2d: { palette: NAV2D_PALETTE, names: { agent: 'agent', goal: 'goal' } },
  car: { palette: CAR_PALETTE, names: { body: 'car', nose: 'car front', goal: 'goal' } },
  reacher: { palette: REACHER_PALETTE, names: { arm: 'arm', tip: 'fingertip', target: 'target', base: 'base' } },
};

/** The colours of a task's camera image and what each is; empty for a task this file does not know (a fake or a robot). */
export function taskLegend(envName: string, channels: number): LegendEntry[] {
  const task = LEGEND_NAMES[envName.replace(/-sparse$/, '')];
  if (!task) return [];
  const out: LegendEntry[] = [];
  for (const [key, name] of Object.entries(task.names)) {
    const c = task.palette[key]?.[channels];
    if (c) out.push({ name, rgb: rgbOf(c) });
  }
  return out;
}

function blit(dst: RgbaImage, src: RgbaImage, x0: number, y0: number): void {
  for (let i = 0; i < src.height; i++) dst.rgba.set(src.rgba.subarray(i * src.width * 4, (i + 1) * src.width * 4), ((y0 + i) * dst.width + x0) * 4);
}

/** A frame of the background colour (a copy of `template`, made once per video). */
function blank(template: RgbaImage): RgbaImage {
  return { rgba: template.rgba.slice(), width: template.width, height: template.height };
}

function textRect(x: number, y: number, text: string): Rect {
  return { x, y, w: textWidth(text, FS), h: GLYPH_HEIGHT * FS };
}

/** Legend entries laid out in rows of at most `width` pixels: a swatch, its name, a space. */
function legendRows(legend: readonly LegendEntry[], width: number): { entry: LegendEntry; x: number; row: number }[] {
  const out: { entry: LegendEntry; x: number; row: number }[] = [];
  let x = 0, row = 0;
  for (const entry of legend) {
    const w = GLYPH_HEIGHT * FS + FS * 3 + textWidth(entry.name, FS);
    if (x > 0 && x + w > width) { x = 0; row++; }
    out.push({ entry, x, row });
    x += w + 6 * FS * 2;
  }
  return out;
}

/** `text` in lines of at most `width` pixels, broken between words (a longer word gets a line of its own). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && textWidth(`${lines[last]} ${word}`, FS) <= width) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The frames of a video of `episodes` (see the file comment): a title card, then a frame per camera image. */
export function videoFrames(episodes: readonly FilmedEpisode[], style: VideoStyle): VideoFrame[] {
  if (episodes.length === 0) throw new Error('video: no episodes');
  const first = episodes[0].camera[0];
  if (!first) throw new Error('video: an episode has no camera images');
  const { height: H, width: W } = first;
  for (const e of episodes) {
    if (e.camera.some((im) => im.height !== H || im.width !== W)) throw new Error('video: camera images differ in size');
    if (e.distance.length !== e.camera.length || e.success.length !== e.camera.length) {
      throw new Error(`video: ${e.camera.length} camera images but ${e.distance.length} distances and ${e.success.length} success flags`);
    }
  }
  if (!(Number.isInteger(style.scale) && style.scale >= 1)) throw new Error(`video: scale must be a positive integer, got ${style.scale}`);
  const s = Math.max(style.scale, Math.ceil(MIN_PANEL / Math.max(W, H)));
  const pw = W * s, ph = H * s;
  const withDecoded = episodes.some((e) => e.decoded !== undefined);
  const panelsW = withDecoded ? 2 * pw + GAP : pw;
  const firstEp = style.firstEpisode ?? 1;
  const total = style.totalEpisodes ?? firstEp - 1 + episodes.length;
  const maxT = Math.max(...episodes.map((e) => e.camera.length - 1));
  const maxD = Math.max(...episodes.flatMap((e) => e.distance.filter(Number.isFinite)), 0);
  const successText = '✓ success';
  // Wide enough for the longest counter and distance lines, and the panels.
  const counterTemplate = `episode ${total}/${total}  step ${maxT}/${maxT}`;
  const distTemplate = `distance ${maxD.toFixed(3)}`;
  const contentW = Math.max(panelsW, textWidth(counterTemplate, FS), textWidth(distTemplate, FS) + 3 * FS * 2 + textWidth(successText, FS));
  const width = contentW + 2 * PAD;
  const legend = legendRows(style.legend, contentW);
  const legendLines = legend.length > 0 ? legend[legend.length - 1].row + 1 : 0;
  const counterY = PAD;
  const labelY = counterY + LINE;
  const panelY = labelY + LINE;
  const distY = panelY + ph + PAD;
  const legendY = distY + LINE;
  const height = (legendLines > 0 ? legendY + (legendLines - 1) * LINE : distY) + GLYPH_HEIGHT * FS + PAD;
  const panelX = PAD + Math.floor((contentW - panelsW) / 2);
  const camera: Rect = { x: panelX, y: panelY, w: pw, h: ph };
  const decoded: Rect | undefined = withDecoded ? { x: panelX + pw + GAP, y: panelY, w: pw, h: ph } : undefined;

  const background = { rgba: new Uint8Array(width * height * 4), width, height };
  fillRect(background, 0, 0, width, height, BACKGROUND);
  const frames: VideoFrame[] = [];
  episodes.forEach((e, k) => {
    const epNo = firstEp + k;
    // Title card: the episode between two episodes, so where one ends is plain.
    const card = blank(background);
    const big = 2 * FS;
    const head = `episode ${epNo}/${total}`;
    const headW = textWidth(head, big);
    const scaleHead = headW <= contentW ? big : FS;
    drawText(card, Math.floor((width - textWidth(head, scaleHead)) / 2), Math.floor(height / 2) - GLYPH_HEIGHT * scaleHead - FS, head, TEXT, scaleHead);
    if (style.title) {
      wrapWords(style.title, contentW).forEach((line, i) => {
        drawText(card, Math.max(PAD, Math.floor((width - textWidth(line, FS)) / 2)), Math.floor(height / 2) + 2 * FS + i * LINE, line, DIM, FS);
      });
    }
    frames.push({ kind: 'title', episode: epNo, image: card, delayMs: TITLE_MS });

    const T = e.camera.length - 1;
    for (let t = 0; t <= T; t++) {
      const img = blank(background);
      const counter = `episode ${epNo}/${total}  step ${t}/${T}`;
      drawText(img, PAD, counterY, counter, TEXT, FS);
      const labels: Rect[] = [];
      drawText(img, camera.x, labelY, 'camera', DIM, FS);
      labels.push(textRect(camera.x, labelY, 'camera'));
      blit(img, toRgba(e.camera[t], s), camera.x, camera.y);
      if (decoded) {
        drawText(img, decoded.x, labelY, 'decoded', DIM, FS);
        labels.push(textRect(decoded.x, labelY, 'decoded'));
        const d = e.decoded?.[t];
        if (d) blit(img, toRgba(d, s), decoded.x, decoded.y);
      }
      const dist = `distance ${e.distance[t].toFixed(3)}`;
      drawText(img, PAD, distY, dist, TEXT, FS);
      const successRect = textRect(PAD + contentW - textWidth(successText, FS), distY, successText);
      if (e.success[t]) {
        drawText(img, successRect.x, successRect.y, successText, SUCCESS, FS);
        // A green frame around the camera image, outside its pixels.
        fillRect(img, camera.x - FS, camera.y - FS, pw + 2 * FS, FS, SUCCESS);
        fillRect(img, camera.x - FS, camera.y + ph, pw + 2 * FS, FS, SUCCESS);
        fillRect(img, camera.x - FS, camera.y, FS, ph, SUCCESS);
        fillRect(img, camera.x + pw, camera.y, FS, ph, SUCCESS);
      }
      const swatches: Rect[] = [];
      for (const { entry, x, row } of legend) {
        const sx = PAD + x, sy = legendY + row * LINE, side = GLYPH_HEIGHT * FS;
        fillRect(img, sx, sy, side, side, SWATCH_EDGE);
        fillRect(img, sx + 1, sy + 1, side - 2, side - 2, entry.rgb);
        swatches.push({ x: sx + 1, y: sy + 1, w: side - 2, h: side - 2 });
        drawText(img, sx + side + 3 * FS, sy, entry.name, DIM, FS);
      }
      const layout: FrameLayout = {
        camera, decoded, scale: s, counter: textRect(PAD, counterY, counter), distance: textRect(PAD, distY, dist), success: successRect, labels, swatches,
      };
      frames.push({ kind: 'step', episode: epNo, t, layout, image: img, delayMs: t === T ? Math.max(style.delayMs, HOLD_MS) : style.delayMs, approximate: decoded ? [decoded] : undefined });
    }
  });
  return frames;
}

/** A run's video settings: output.gif_scale and gif_fps, the task's legend, a title for the title cards. */
export function videoStyle(spec: EnvSpec, output: { gif_scale: number; gif_fps: number }, title: string): VideoStyle {
  return { scale: output.gif_scale, delayMs: Math.round(1000 / output.gif_fps), legend: taskLegend(spec.name, spec.observation.shape[2]), title };
}

/** A rollout (envs/rollout.ts) as a video episode, with the steps its recording env noted. */
export function filmedRollout(spec: EnvSpec, ep: Episode, steps: StepRecord): FilmedEpisode {
  const [height, width, channels] = spec.observation.shape;
  return { camera: ep.observations.map((data) => ({ data, height, width, channels })), distance: steps.distance, success: steps.success };
}

/** The GIF of `videoFrames`. */
export function encodeVideo(episodes: readonly FilmedEpisode[], style: VideoStyle): Uint8Array {
  return encodeRgbaGif(videoFrames(episodes, style));
}

/** Distances and success flags of an episode, o_0's (the reset's) first. */
export interface StepRecord {
  readonly seed: number;
  readonly distance: number[];
  readonly success: boolean[];
}

/**
 * An env that remembers the current episode's infos (the reset's, then each step's) for the
 * captions, since the agents' episodes keep only the final ones. It only passes calls through:
 * the episodes, and anything that draws on them, are the same with it or without it.
 */
export interface RecordingEnv extends Env {
  /** The infos of the latest episode reset with `seed` (one of the last RECORDED episodes; an error otherwise). */
  recorded(seed: number): StepRecord;
}

/** Episodes a recording env remembers: an iteration's rollouts, looked up by seed in any order. */
const RECORDED = 256;

export function recordingEnv(env: Env): RecordingEnv {
  const episodes = new Map<number, StepRecord>();
  let current: StepRecord | null = null;
  const note = (ts: TimeStep, reset: number | null): TimeStep => {
    const info: StepInfo = ts.info;
    if (reset !== null) {
      current = { seed: reset, distance: [], success: [] };
      episodes.delete(reset);
      episodes.set(reset, current);
      if (episodes.size > RECORDED) episodes.delete(episodes.keys().next().value!);
    }
    current?.distance.push(info.distance);
    current?.success.push(info.success);
    return ts;
  };
  return {
    get spec() {
      return env.spec;
    },
    reset(seed) {
      const r = env.reset(seed);
      return r instanceof Promise ? r.then((ts) => note(ts, seed)) : note(r, seed);
    },
    step(u) {
      const r = env.step(u);
      return r instanceof Promise ? r.then((ts) => note(ts, null)) : note(r, null);
    },
    close: () => env.close(),
    recorded(seed) {
      const r = episodes.get(seed);
      if (!r) throw new Error(`video: no recorded episode with seed ${seed}`);
      return { seed, distance: [...r.distance], success: [...r.success] };
    },
  };
}

/** `makeEnv` of a recording env (the hooks' makeEnv takes this shape). */
export async function makeRecordingEnv(name: string, params: Record<string, unknown>, make: (name: string, params: Record<string, unknown>) => Promise<Env> = makeEnv): Promise<RecordingEnv> {
  return recordingEnv(await make(name, params));
}
