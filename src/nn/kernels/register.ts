/**
 * Installs solar's kernels into the tfjs kernel registry (a process-global table keyed by
 * kernel and backend name), and can put tfjs's own back (tests use those as the reference).
 *
 * wasm: Conv2DBackpropFilter (missing in tfjs-backend-wasm), Conv2DBackpropInput (sub-pixel,
 *   faster than the naive original), BatchMatMul/_FusedMatMul (no slow transposed path),
 *   Sum over the leading axes (bias gradients) by a SIMD column sum, Identity and same-type
 *   Cast without a copy.
 * cpu: Conv2DBackpropFilter (the original is ~100× slower than the forward conv).
 *
 * The conv kernels have no setupFunc and only call other registered kernels; the matmul
 * wrappers keep the original's setupFunc (run by the engine when the backend starts, or
 * already run for the original if it had). So registering before or after a backend starts
 * is fine.
 */
import * as tf from '@tensorflow/tfjs';
// The wasm backend registers its own kernels on import; we wrap some of them, so import it first.
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { transposeFreeMatMul } from './batch-mat-mul.js';
import { leadingSumKernel } from './sum.js';
import { sharedIdentity, sharedSameTypeCast } from './no-copy.js';
import { tiledConv2D } from './conv2d.js';
import { biasAwareAdd, reluGradConfigs, reluGradient } from './bias-relu.js';
import { bernoulliConfigs, bernoulliGradient } from './bernoulli.js';
import { adamConfig } from './adam.js';

type Solar = 'wasm' | 'cpu';

/** tfjs's own configs that we replaced, by `backend/kernel` (null: there was none). */
const originals = new Map<string, tf.KernelConfig | null>();
let ours: Record<Solar, tf.KernelConfig[]> | undefined;

function solarKernels(): Record<Solar, tf.KernelConfig[]> {
  if (ours == null) {
    const wasm = [conv2DBackpropFilterConfig('wasm'), conv2DBackpropInputConfig];
    for (const name of ['BatchMatMul', '_FusedMatMul']) {
      const original = tf.getKernel(name, 'wasm');
      if (original != null) wasm.push(transposeFreeMatMul(original));
    }
    const sum = tf.getKernel('Sum', 'wasm');
    if (sum != null) wasm.push(leadingSumKernel(sum));
    const conv = tf.getKernel('Conv2D', 'wasm');
    if (conv != null) wasm.push(tiledConv2D(conv));
    const add = tf.getKernel('Add', 'wasm');
    if (add != null) wasm.push(biasAwareAdd(add));
    const identity = tf.getKernel('Identity', 'wasm');
    if (identity != null) wasm.push(sharedIdentity(identity));
    const cast = tf.getKernel('Cast', 'wasm');
    if (cast != null) wasm.push(sharedSameTypeCast(cast));
    wasm.push(reluGradConfigs[0], ...bernoulliConfigs, adamConfig);
    ours = { wasm, cpu: [conv2DBackpropFilterConfig('cpu'), reluGradConfigs[1]] };
  }
  return ours;
}

function replace(config: tf.KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, config.backendName) ?? null;
  if (existing === config) return;
  const key = `${config.backendName}/${config.kernelName}`;
  if (!originals.has(key)) originals.set(key, existing);
  // Unregister first: registerKernel would warn about (and then silently replace) a duplicate.
  if (existing != null) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Registers solar's kernels for `backend` (replacing tfjs's). Idempotent. Returns their names. */
export function registerSolarKernels(backend: Solar): string[] {
  // Relu's gradient through solar's kernel where registered (the same function everywhere).
  tf.registerGradient(reluGradient);
  tf.registerGradient(bernoulliGradient);
  const configs = solarKernels()[backend];
  configs.forEach(replace);
  return configs.map((c) => c.kernelName);
}

/** Puts tfjs's own kernels for `backend` back (the reference implementations in tests). */
export function restoreTfjsKernels(backend: Solar): void {
  for (const config of solarKernels()[backend]) {
    const key = `${backend}/${config.kernelName}`;
    if (!originals.has(key)) continue;
    if (tf.getKernel(config.kernelName, backend) != null) tf.unregisterKernel(config.kernelName, backend);
    const original = originals.get(key);
    if (original == null) continue;
    tf.registerKernel(original);
    // If ours was registered before the backend started, the engine ran our setupFunc, not
    // the original's: run it now (it only binds wasm exports, so repeating it is harmless).
    const started = tf.engine().registry[backend];
    if (started != null && original.setupFunc != null) original.setupFunc(started);
  }
}

/** Whether all of solar's kernels for `backend` are the registered ones. */
export function solarKernelsRegistered(backend: Solar): boolean {
  return solarKernels()[backend].every((c) => tf.getKernel(c.kernelName, backend) === c);
}
