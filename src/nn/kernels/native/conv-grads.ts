/**
 * The conv gradients and the bias gradient on solar's SIMD kernels (conv-grads.c), called
 * with the tensors' heap offsets. Geometry comes from tfjs (conv-geometry.ts), exactly as the
 * forward Conv2D computed it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Conv2DInfo } from '../conv-geometry.js';
import type { NativeKernels } from './module.js';

/** dW [kh, kw, C, Co] of the conv x * W = y, from x and dy. */
export function filterGradient(k: NativeKernels, x: tf.TensorInfo, dy: tf.TensorInfo, g: Conv2DInfo): tf.TensorInfo {
  const out = k.output([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  k.fn.conv2d_backprop_filter(
    k.offset(x), k.offset(dy), k.offset(out),
    g.batchSize, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padInfo.top, g.padInfo.left,
  );
  return out;
}

/** Whether `forward` takes this conv: output channels in whole tiles of 8. */
export function forwardSupported(g: Conv2DInfo): boolean {
  return g.outChannels % 8 === 0;
}

/** y [N, Ho, Wo, Co] = x * W (Co a multiple of 8, see forwardSupported). */
export function forward(k: NativeKernels, x: tf.TensorInfo, filter: tf.TensorInfo, g: Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = g;
  const { top: pt, left: pl } = g.padInfo;
  // The zero-padded copy of x the kernel convolves (its size as conv2d_forward computes it).
  const Hp = Math.max((Ho - 1) * g.strideHeight + kh, H + pt);
  const Wp = Math.max((Wo - 1) * g.strideWidth + kw, W + pl);
  const scratch = k.malloc(8 * kh + 4 * N * Hp * Wp * C);
  try {
    const out = k.output(g.outShape as number[]);
    k.fn.conv2d_forward(
      k.offset(x), k.offset(filter), k.offset(out), N, H, W, C, Ho, Wo, g.outChannels,
      kh, kw, g.strideHeight, g.strideWidth, pt, pl, scratch, scratch + 8 * kh,
    );
    return out;
  } finally {
    k.free(scratch);
  }
}

/**
 * dx [N, H, W, C] of the conv x * W = y, from dy and W (also conv2dTranspose's forward pass):
 * the tiled kernel for C a multiple of 8, vectors over Co for C < 8, else one pixel at a time.
 */
export function inputGradient(k: NativeKernels, dy: tf.TensorInfo, filter: tf.TensorInfo, g: Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: C, outChannels: Co } = g;
  const cp = (C + 3) & ~3;
  // Scratch: the filter as [kh, kw, Co, Cp] and 2·kh·kw tap pointers (4 bytes each).
  const wtBytes = kh * kw * Co * cp * 4;
  const tiled = C % 8 === 0;
  // The tiled kernel's copy of dy with zero columns: ⌈kw/sw⌉ on the left, Pr on the right.
  const { strideWidth: sw, outHeight: Ho, outWidth: Wo } = g;
  const Pr = Math.max(0, Math.floor((g.inWidth - 1 + g.padInfo.left) / sw) - Wo + 1);
  const paddedBytes = tiled ? 4 * g.batchSize * Ho * (Math.ceil(kw / sw) + Wo + Pr) * Co : 0;
  const scratch = k.malloc(wtBytes + 8 * kh * kw + paddedBytes);
  try {
    k.fn.filter_for_input(k.offset(filter), scratch, kh, kw, C, Co);
    const out = k.output(g.inShape as number[]);
    const geometry = [g.batchSize, g.inHeight, g.inWidth, C, Ho, Wo, Co, kh, kw, g.strideHeight, sw, g.padInfo.top, g.padInfo.left] as const;
    const taps = scratch + wtBytes;
    if (tiled) k.fn.conv2d_backprop_input_tiled(k.offset(dy), scratch, k.offset(out), ...geometry, taps, taps + 8 * kh * kw, Pr);
    else k.fn.conv2d_backprop_input(k.offset(dy), k.offset(filter), scratch, k.offset(out), ...geometry, taps);
    return out;
  } finally {
    k.free(scratch);
  }
}

/** a [(1,) M, K] · b [(1,) K, N] ([M, N] for two matrices, else [1, M, N]), N a multiple of 8. */
export function matmul(k: NativeKernels, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.shape.length - 1];
  const ptrs = k.malloc(8 + 32 * K); // 2 pointers, then the K × 8 panel of b
  try {
    const out = k.output(a.shape.length === 2 && b.shape.length === 2 ? [M, N] : [1, M, N]);
    k.fn.matmul(k.offset(a), k.offset(b), k.offset(out), M, K, N, ptrs, ptrs + 8);
    return out;
  } finally {
    k.free(ptrs);
  }
}

/** y = x + b for x [..., C] and b [C]. */
export function biasAdd(k: NativeKernels, x: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const C = x.shape[x.shape.length - 1];
  const out = k.output(x.shape);
  k.fn.bias_add(k.offset(x), k.offset(b), k.offset(out), x.shape.reduce((a, d) => a * d, 1) / C, C);
  return out;
}

/** dx = dy · [y > 0] (relu's gradient, from its output or input). */
export function reluGrad(k: NativeKernels, dy: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo {
  const out = k.output(dy.shape);
  k.fn.relu_grad(k.offset(dy), k.offset(y), k.offset(out), dy.shape.reduce((a, d) => a * d, 1));
  return out;
}

/** Σ over all leading axes of x [..., C], as a tensor of `outShape` (C values). */
export function leadingSum(k: NativeKernels, x: tf.TensorInfo, outShape: number[]): tf.TensorInfo {
  const C = x.shape[x.shape.length - 1];
  const M = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const out = k.output(outShape);
  k.fn.column_sum(k.offset(x), k.offset(out), M, C);
  return out;
}
