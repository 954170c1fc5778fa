/**
 * One Adam step of one variable as a single kernel, 'SolarAdam', on solar's SIMD kernels
 * (native/conv-grads.c adam_update): inputs θ, m, v, g; outputs θ', m', v'. The same float32
 * operations in the same order as model/adam.ts's tfjs ops (tested bit for bit), in one pass
 * over the four arrays instead of about a dozen kernels each.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeKernels, solarKernelRuns } from './native/module.js';

export const ADAM = 'SolarAdam';

/** Attributes: the constants as plain numbers (rounded to float32 here, as tfjs rounds scalars). */
export interface AdamAttrs {
  /** The clipping factor, or 1 (then g is used as it is). */
  scale: number;
  beta1: number;
  beta2: number;
  lrHat: number;
  epsilon: number;
}

function adamStep(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { theta, m, v, g } = args.inputs as Record<'theta' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const k = nativeKernels(args.backend);
  if (k == null) throw new Error(`${ADAM}: solar's SIMD kernels are not loaded`);
  const f = Math.fround;
  const outs = [k.output(theta.shape), k.output(theta.shape), k.output(theta.shape)];
  k.fn.adam_update(
    k.offset(theta), k.offset(m), k.offset(v), k.offset(g), k.offset(outs[0]), k.offset(outs[1]), k.offset(outs[2]),
    theta.shape.reduce((x, d) => x * d, 1), a.scale === 1 ? 0 : 1, f(a.scale), f(a.beta1), f(1 - a.beta1), f(a.beta2), f(1 - a.beta2), f(a.lrHat), f(a.epsilon),
  );
  return outs;
}

export const adamConfig: tf.KernelConfig = { kernelName: ADAM, backendName: 'wasm', kernelFunc: adamStep as unknown as tf.KernelFunc };

/** Whether the current backend runs ADAM (wasm with the SIMD kernels loaded). */
export function adamKernel(): boolean {
  return solarKernelRuns(ADAM);
}
