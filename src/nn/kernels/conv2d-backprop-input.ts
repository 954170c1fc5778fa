/**
 * Conv2DBackpropInput for the wasm backend: the gradient of conv2d with respect to its input
 * and the forward pass of conv2dTranspose (the decoder's upsampling layer). The backend's own
 * kernel is a naive C++ loop, several times slower than its XNNPACK Conv2D, so we replace it:
 * with solar's SIMD kernel (native/conv-grads.c) when it is loaded, else as follows.
 *
 *   dx[n,h,w,c] = Σ_{i·s + a − pt = h, j·s + b − pl = w} dy[n,i,j,o] · W[a,b,c,o]
 *
 * Stride 1: a plain convolution of dy, padded by kh − 1 − pt in front, with the filter
 * flipped in space and its channel axes swapped (W'[a,b,o,c] = W[kh−1−a, kw−1−b, c, o]).
 *
 * Stride s > 1 ("sub-pixel"): convolving a zero-upsampled dy would cost s² times the work,
 * mostly multiplying zeros. Instead split the output rows by phase: rows with h + pt = q·s + r
 * only see the taps a ≡ r (mod s),
 *   dx[q·s + r − pt] = Σ_m dy[q − m] · W[r + s·m],
 * a stride-1 convolution of dy by a sub-filter. All s×s phases read the same dy, so they are
 * ONE convolution whose s·s·C output channels are the phases (the filter zero-padded in front
 * to a multiple of s, so every phase has the same number of taps), followed by a depth-to-space
 * shuffle and a crop of rows pt … pt + H − 1.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelScope } from './kernel-scope.js';
import { inputGradient } from './native/conv-grads.js';
import { nativeKernels } from './native/module.js';
import { assertShape, convGeometry, splitPadding, type Conv2DInfo, type ConvAttrs } from './conv-geometry.js';

const NAME = 'Conv2DBackpropInput';

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const g = convGeometry(NAME, attrs.inputShape, filter.shape, attrs);
  assertShape(NAME, 'dy', dy.shape, g.outShape);
  const native = nativeKernels(args.backend);
  if (native != null) return inputGradient(native, dy, filter, g);
  const s = new KernelScope(args.backend, 'wasm');
  try {
    const unitStride = g.strideHeight === 1 && g.strideWidth === 1;
    const phases = s.fromValues(...phaseFilter(s.read(filter), g));
    const dx = unitStride ? byDirectConv(s, dy, phases, g) : bySubPixel(s, dy, phases, g);
    assertShape(NAME, 'result', dx.shape, g.inShape);
    return s.finish(dx);
  } catch (e) {
    s.dispose();
    throw e;
  }
}

/** Stride-1 correlation of `x` by `filter`, padding (or cropping, if negative) rows and columns. */
function convPadded(s: KernelScope, x: tf.TensorInfo, filter: tf.TensorInfo, rowPad: [number, number], colPad: [number, number]): tf.TensorInfo {
  const rows = splitPadding(rowPad[0], rowPad[1]);
  const cols = splitPadding(colPad[0], colPad[1]);
  let input = x;
  if (rows.crop.some((c) => c > 0) || cols.crop.some((c) => c > 0)) {
    input = s.crop(x, [[0, 0], rows.crop, cols.crop, [0, 0]]);
  }
  return s.run('Conv2D', { x: input, filter }, {
    strides: [1, 1],
    pad: [[0, 0], rows.pad, cols.pad, [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
}

/**
 * The filter of the phase convolution, [Mh, Mw, Co, sh·sw·Ci] with M = ceil(k / s) taps per
 * phase: output channel (rh·sw + rw)·Ci + c, tap (m, n) is W[(Mh−1−m)·sh + rh, (Mw−1−n)·sw + rw, c, o]
 * (zero past the filter's edge). For stride 1 this is the flipped, channel-swapped filter
 * W'[a,b,o,c] = W[kh−1−a, kw−1−b, c, o]. Rearranged in JS: the filter is small, and the same
 * shuffle as a chain of Reverse/Transpose/Pad kernels measured ~30× slower.
 */
function phaseFilter(w: Float32Array, g: Conv2DInfo): [number[], Float32Array] {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inChannels: Ci, outChannels: Co } = g;
  const Mh = Math.ceil(kh / sh);
  const Mw = Math.ceil(kw / sw);
  const oc = sh * sw * Ci;
  const out = new Float32Array(Mh * Mw * Co * oc);
  for (let m = 0; m < Mh; m++) {
    for (let rh = 0; rh < sh; rh++) {
      const a = (Mh - 1 - m) * sh + rh;
      if (a >= kh) continue;
      for (let n = 0; n < Mw; n++) {
        for (let rw = 0; rw < sw; rw++) {
          const b = (Mw - 1 - n) * sw + rw;
          if (b >= kw) continue;
          for (let c = 0; c < Ci; c++) {
            const src = ((a * kw + b) * Ci + c) * Co;
            const dst = (m * Mw + n) * Co * oc + (rh * sw + rw) * Ci + c;
            for (let o = 0; o < Co; o++) out[dst + o * oc] = w[src + o];
          }
        }
      }
    }
  }
  return [[Mh, Mw, Co, oc], out];
}

/** Stride 1: one correlation with the flipped filter; out rows Ho + top + bottom − kh + 1 = H. */
function byDirectConv(s: KernelScope, dy: tf.TensorInfo, flipped: tf.TensorInfo, g: Conv2DInfo): tf.TensorInfo {
  const { inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, filterHeight: kh, filterWidth: kw } = g;
  const top = kh - 1 - g.padInfo.top;
  const left = kw - 1 - g.padInfo.left;
  return convPadded(s, dy, flipped, [top, H + kh - 1 - Ho - top], [left, W + kw - 1 - Wo - left]);
}

function bySubPixel(s: KernelScope, dy: tf.TensorInfo, phaseFilter: tf.TensorInfo, g: Conv2DInfo): tf.TensorInfo {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = g;
  const pt = g.padInfo.top;
  const pl = g.padInfo.left;
  const Mh = Math.ceil(kh / sh); // taps per phase, after zero-padding the filter to Mh·sh rows
  const Mw = Math.ceil(kw / sw);
  // Phase outputs cover grid rows q·sh + r for q in [0, Qh): enough to reach row pt + H − 1.
  const Qh = Math.ceil((H + pt) / sh);
  const Qw = Math.ceil((W + pl) / sw);
  const phases = convPadded(s, dy, phaseFilter, [Mh - 1, Qh - Ho], [Mw - 1, Qw - Wo]); // [N, Qh, Qw, sh·sw·Ci]
  // Depth to space: [N, Qh, Qw, sh, sw, Ci] → [N, Qh, sh, Qw, sw, Ci]; grid row q·sh + r is dx row q·sh + r − pt.
  const shuffled = s.transpose(s.reshape(phases, [N, Qh, Qw, sh, sw, Ci]), [0, 1, 3, 2, 4, 5]);
  // Crop on a rank-3 view [N, rows, cols·Ci]: the wasm Slice copies one innermost run at a time
  // in JS, so runs of W·Ci floats instead of Ci make it ~3× faster (measured 3 ms → 1 ms here).
  const grid = s.reshape(shuffled, [N, Qh * sh, Qw * sw * Ci]);
  const cropped = s.run('Slice', { x: grid }, { begin: [0, pt, pl * Ci], size: [N, H, W * Ci] });
  return s.reshape(cropped, [N, H, W, Ci]);
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
