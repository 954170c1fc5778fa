/**
 * Pictures of a trained model: a strip of held-out input frames above their reconstructions
 * (decoded smoothed means), and per state group a plot of the latent linear map's
 * predictions against the true values along one held-out episode.
 */
import { decodeLatents, smoothSequence, type Sequence, type SolarModel } from '../model/index.js';
import { besideEachOther, encodePng, type Image } from './images.js';
import { lineChartSvg } from './plots.js';

/** Stacks same-width images vertically with a 1-pixel grey gap (RGB output). */
function above(top: Image, bottom: Image): Image {
  if (top.width !== bottom.width || top.channels !== 3 || bottom.channels !== 3) throw new Error('above: images must be RGB of equal width');
  const W = top.width;
  const data = new Float32Array((top.height + 1 + bottom.height) * W * 3).fill(0.5);
  data.set(top.data, 0);
  data.set(bottom.data, (top.height + 1) * W * 3);
  return { data, width: W, height: top.height + 1 + bottom.height, channels: 3 };
}

/** PNG: `n` frames of the sequence (evenly spaced), inputs on top, reconstructions below. */
export function reconstructionStrip(model: SolarModel, seq: Sequence, n: number, scale: number): Buffer {
  const [H, W, C] = model.shape.imageShape;
  const L = model.shape.length;
  const hwc = H * W * C;
  const ds = model.latentDim;
  const sm = smoothSequence(model, seq.images, seq.actions);
  const ts = Array.from({ length: Math.min(n, L) }, (_, i) => Math.round((i * (L - 1)) / Math.max(1, Math.min(n, L) - 1)));
  const recon = decodeLatents(model, Float64Array.from(ts.flatMap((t) => [...sm.mean.subarray(t * ds, (t + 1) * ds)])));
  const img = (data: Float32Array): Image => ({ data, height: H, width: W, channels: C });
  const inputs = besideEachOther(ts.map((t) => img(seq.images.slice(t * hwc, (t + 1) * hwc))));
  const outs = besideEachOther(ts.map((_, i) => img(recon.slice(i * hwc, (i + 1) * hwc))));
  return encodePng(above(inputs, outs), scale);
}

/** SVG: true vs predicted group components over time for one held-out episode. */
export function latentMapSvg(group: string, targets: readonly Float64Array[], predictions: readonly Float64Array[], r2: number, title: string): string {
  const k = targets[0].length;
  const series = [];
  for (let j = 0; j < k; j++) {
    series.push({ label: `${group}[${j}] true`, points: targets.map((y, t) => [t, y[j]] as const) });
    series.push({ label: `${group}[${j}] from latents`, points: predictions.map((y, t) => [t, y[j]] as const) });
  }
  return lineChartSvg(series, { title: `${title}: ${group}, held-out R² = ${r2.toFixed(3)}`, xLabel: 'time step', yLabel: group });
}
