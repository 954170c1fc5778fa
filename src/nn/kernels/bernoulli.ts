/**
 * The Bernoulli log-likelihood of the decoder's logits as one kernel and its gradient as
 * another, on solar's SIMD kernels (native/conv-grads.c), for the wasm backend:
 *
 *   ll[r] = Σ_c t·l − softplus(l),   ∂ll[r]/∂l[r, c] = t − σ(l),   ∂ll[r]/∂t[r, c] = l
 *
 * As tfjs ops this is eight passes over the [B, H, W, C] logits (multiply, softplus, subtract,
 * sum; then sigmoid, subtract, multiply, …), ~16 ms of a 64×64×3 VAE step; as kernels, two.
 * `bernoulliLoglikKernel` reports whether the current backend has it (wasm with the SIMD
 * kernels loaded); nn/likelihoods.ts uses tfjs ops otherwise.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeKernels, solarKernelRuns } from './native/module.js';

export const BERNOULLI = 'SolarBernoulliLogLik';
const BERNOULLI_GRAD = 'SolarBernoulliLogLikGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

function forward(args: KernelArgs): tf.TensorInfo {
  const { logits, targets } = args.inputs as { logits: tf.TensorInfo; targets: tf.TensorInfo };
  const k = nativeKernels(args.backend);
  if (k == null) throw new Error(`${BERNOULLI}: solar's SIMD kernels are not loaded`);
  const [rows, cols] = logits.shape;
  const out = k.output([rows]);
  k.fn.bernoulli_loglik(k.offset(logits), k.offset(targets), k.offset(out), rows, cols);
  return out;
}

function gradient(args: KernelArgs): tf.TensorInfo {
  const { dy, logits, targets } = args.inputs as { dy: tf.TensorInfo; logits: tf.TensorInfo; targets: tf.TensorInfo };
  const k = nativeKernels(args.backend);
  if (k == null) throw new Error(`${BERNOULLI_GRAD}: solar's SIMD kernels are not loaded`);
  const [rows, cols] = logits.shape;
  const out = k.output([rows, cols]);
  k.fn.bernoulli_loglik_grad(k.offset(dy), k.offset(logits), k.offset(targets), k.offset(out), rows, cols);
  return out;
}

export const bernoulliConfigs: tf.KernelConfig[] = [
  { kernelName: BERNOULLI, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc },
  { kernelName: BERNOULLI_GRAD, backendName: 'wasm', kernelFunc: gradient as unknown as tf.KernelFunc },
];

export const bernoulliGradient: tf.GradConfig = {
  kernelName: BERNOULLI,
  inputsToSave: ['logits', 'targets'],
  gradFunc: (dy, saved) => {
    const [logits, targets] = saved;
    const d = dy as tf.Tensor1D;
    return {
      logits: () => tf.engine().runKernel(BERNOULLI_GRAD, { dy: d, logits, targets }) as tf.Tensor,
      targets: () => d.reshape([-1, 1]).mul(logits),
    };
  },
};

/** Whether `ll` can run as the kernel here: wasm with the SIMD kernels, float32, columns in 4s. */
export function bernoulliLoglikKernel(cols: number): boolean {
  return cols % 4 === 0 && solarKernelRuns(BERNOULLI);
}
