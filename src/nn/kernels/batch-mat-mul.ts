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
import { matmul } from './native/conv-grads.js';
import { nativeKernels } from './native/module.js';

/** Rank 2, or rank 3 with a batch of 1. */
function unbatched(t: tf.TensorInfo): boolean {
  return t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
}

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
  // The plain product: solar's tiled SIMD kernel for one unbatched BatchMatMul with N in 8s
  // (the dense layers' products, ~2× XNNPACK's here, which repacks b as weights each call),
  // else the backend's own.
  const plain = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const native = original.kernelName === 'BatchMatMul' ? nativeKernels(args.backend) : null;
    if (native != null && unbatched(a) && unbatched(b) && b.shape.at(-1)! % 8 === 0 && a.dtype === 'float32' && b.dtype === 'float32') {
      return matmul(native, a, b);
    }
    return original.kernelFunc(args);
  };
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return plain(args);
    const s = new KernelScope(args.backend, 'wasm');
    try {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const inputs = {
        ...args.inputs,
        a: transposeA ? s.transpose(a, lastTwoSwapped(a.shape.length)) : a,
        b: transposeB ? s.transpose(b, lastTwoSwapped(b.shape.length)) : b,
      };
      const out = plain({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
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
