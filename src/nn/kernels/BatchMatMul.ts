/**
 * BatchMatMul (and _FusedMatMul) for the wasm backend without the slow transposed path.
 *
 * Measured here (tfjs 4.22, SIMD build, one core): matMul with transposeA or transposeB is
 * 10–40× slower than the plain product (e.g. 64×1024 · 1024×256: 0.8 ms plain, 9–11 ms with a
 * transpose flag, 1.2–2.1 ms for an explicit Transpose then plain), and every dense layer's
 * gradient uses those flags (dW = xᵀ·dy, dx = dy·Wᵀ). So we wrap the backend's own kernel:
 * transpose the flagged operand explicitly (the wasm Transpose kernel), then call the
 * original with both flags off.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelScope } from './kernel-scope.js';

/** Swaps the last two axes. */
function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * A config for `kernelName` on wasm that routes transposed products through explicit
 * transposes into `original` (the backend's own config, whose setup we must keep running).
 */
export function transposeFreeMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const s = new KernelScope(args.backend, 'wasm');
    try {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const inputs = {
        ...args.inputs,
        a: transposeA ? s.transpose(a, lastTwoSwapped(a.shape.length)) : a,
        b: transposeB ? s.transpose(b, lastTwoSwapped(b.shape.length)) : b,
      };
      const out = original.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      s.dispose(); // only the two transposes; `out` is not in the scope
      return out;
    } catch (e) {
      s.dispose();
      throw e;
    }
  };
  return {
    kernelName: original.kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}
