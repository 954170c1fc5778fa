/**
 * Sum over the leading axes (every axis but the last) for the wasm backend:
 *
 *   y[c] = Σ_m x[m, c],   x reshaped to [M, C]
 *
 * This is the bias gradient of every conv and dense layer (tfjs sums dy over batch, rows and
 * columns). The backend's own Sum transposes the reduced axes to the end and then reduces
 * row by row: ~10 ms for the decoder's [64, 32, 32, 32] gradient. solar's SIMD column sum
 * (native/) streams the rows once. Without those kernels, and for any other reduction, the
 * backend's own kernel runs.
 */
import * as tf from '@tensorflow/tfjs';
import { leadingSum } from './native/conv-grads.js';
import { nativeKernels } from './native/module.js';

/** The reduced axes as non-negative integers, sorted. */
function normalisedAxes(axis: number | number[], rank: number): number[] {
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** Whether `axes` are exactly 0 … rank − 2 (all but the last). */
function leadingAxes(axes: number[], rank: number): boolean {
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

/** A Sum config for wasm that routes leading-axes float32 sums to the SIMD column sum. */
export function leadingSumKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const native = nativeKernels(args.backend);
    if (native == null || x.dtype !== 'float32' || !leadingAxes(normalisedAxes(axis, rank), rank)) return original.kernelFunc(args);
    const C = x.shape[rank - 1];
    return leadingSum(native, x, keepDims ? [...x.shape.slice(0, -1).map(() => 1), C] : [C]);
  };
  return { kernelName: 'Sum', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
