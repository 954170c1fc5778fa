/**
 * Loads solar's WebAssembly SIMD kernels (conv-grads.c, embedded in conv-grads-wasm.ts) into
 * the running tfjs wasm backend: the module imports the backend's own memory, so the kernels
 * read and write tensors where tfjs keeps them, by their heap offsets, with no copies.
 *
 * This reaches into tfjs-backend-wasm 4.x internals (the emscripten module's `asm.memory`,
 * `_malloc`/`_free`, the `dataIdMap` offsets); `loadNativeKernels` checks for each and, if
 * anything is missing or the module does not compile (no wasm SIMD), leaves the composite
 * kernels (built from XNNPACK's Conv2D) in charge and says why.
 */
import * as tf from '@tensorflow/tfjs';
import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from './conv-grads-wasm.js';

/**
 * The two builds: 'relaxed' uses relaxed SIMD's fused multiply-add (browsers since 2023; Node
 * 20 only with --experimental-wasm-relaxed-simd, which bin/solar.js sets), 'simd' plain
 * SIMD128. Their floats differ in rounding; each is deterministic on one machine.
 */
export type KernelBuild = 'relaxed' | 'simd';

/** The C functions; every pointer is a byte offset in the backend's heap. */
export interface NativeExports {
  column_sum(x: number, y: number, M: number, C: number): void;
  bias_add(x: number, b: number, y: number, M: number, C: number): void;
  relu_grad(dy: number, y: number, dx: number, n: number): void;
  bernoulli_loglik(l: number, t: number, ll: number, rows: number, cols: number): void;
  bernoulli_loglik_grad(dy: number, l: number, t: number, dl: number, rows: number, cols: number): void;
  conv2d_backprop_filter(x: number, dy: number, dw: number, N: number, H: number, W: number, C: number, Ho: number, Wo: number, Co: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
  conv2d_backprop_input(dy: number, w: number, wt: number, dx: number, N: number, H: number, W: number, C: number, Ho: number, Wo: number, Co: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, taps: number): void;
  filter_for_input(w: number, wt: number, kh: number, kw: number, C: number, Co: number): void;
  adam_update(theta: number, m: number, v: number, g: number, thetaOut: number, mOut: number, vOut: number, n: number, scaled: number, scale: number, b1: number, c1: number, b2: number, c2: number, lrHat: number, eps: number): void;
  matmul(a: number, b: number, c: number, M: number, K: number, N: number, ptrs: number, panel: number): void;
  conv2d_forward(x: number, w: number, y: number, N: number, H: number, W: number, C: number, Ho: number, Wo: number, Co: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, taps: number, padded: number): void;
  conv2d_backprop_input_tiled(dy: number, wt: number, dx: number, N: number, H: number, W: number, C: number, Ho: number, Wo: number, Co: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, taps: number, padded: number, Pr: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
interface WasmBackendInternals {
  wasm: { asm?: { memory?: WebAssembly.Memory }; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

export interface NativeKernels {
  readonly build: KernelBuild;
  readonly fn: NativeExports;
  /** Heap offset of a tensor's data. */
  offset(t: tf.TensorInfo): number;
  /** A new float32 tensor of the backend (uninitialised; the kernel fills it). */
  output(shape: number[]): tf.TensorInfo;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

let loaded: { backend: object; kernels: NativeKernels } | null = null;
let enabled = true;
let lastFailure: string | undefined;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Instantiates the kernels on `backend` (the started wasm backend): `build`, or by default the
 * relaxed-SIMD build where this engine validates it, else the plain one. Returns null when
 * they are in use, or the reason they are not.
 */
export async function loadNativeKernels(backend: tf.KernelBackend, build?: KernelBuild): Promise<string | null> {
  if (loaded?.backend === backend && (build == null || loaded.kernels.build === build)) return null;
  loaded = null;
  const b = backend as unknown as Partial<WasmBackendInternals>;
  const memory = b.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || b.dataIdMap == null || typeof b.makeOutput !== 'function') {
    return (lastFailure = 'tfjs-backend-wasm does not expose its memory and tensor offsets (not the 4.x layout)');
  }
  const relaxed = decodeBase64(WASM_RELAXED_SIMD_BASE64);
  const chosen: KernelBuild = build ?? (WebAssembly.validate(relaxed as BufferSource) ? 'relaxed' : 'simd');
  let instance: WebAssembly.Instance;
  try {
    const module = await WebAssembly.compile((chosen === 'relaxed' ? relaxed : decodeBase64(WASM_SIMD_BASE64)) as BufferSource);
    instance = await WebAssembly.instantiate(module, { env: { memory } });
  } catch (e) {
    return (lastFailure = `solar's wasm kernels did not load (${(e as Error).message})`);
  }
  const internals = b as WasmBackendInternals;
  const kernels: NativeKernels = {
    build: chosen,
    fn: instance.exports as unknown as NativeExports,
    offset(t) {
      const d = internals.dataIdMap.get(t.dataId);
      if (d == null) throw new Error('solar wasm kernel: a tensor is not in the wasm backend');
      return d.memoryOffset;
    },
    output: (shape) => internals.makeOutput(shape, 'float32'),
    malloc: (bytes) => internals.wasm._malloc(bytes),
    free: (ptr) => internals.wasm._free(ptr),
  };
  loaded = { backend, kernels };
  lastFailure = undefined;
  return null;
}

/** The kernels for `backend`, or null (not loaded there, or switched off). */
export function nativeKernels(backend: tf.KernelBackend): NativeKernels | null {
  return enabled && loaded?.backend === backend ? loaded.kernels : null;
}

/** Whether the kernel `name` runs on the current backend: registered there, with these kernels loaded on it. */
export function solarKernelRuns(name: string): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(name, backend) != null && nativeKernels(tf.engine().findBackend(backend)!) != null;
}

/** Why the kernels are not in use, if they failed to load. */
export function nativeKernelsFailure(): string | undefined {
  return lastFailure;
}

/** Switches the kernels off (the composite fallbacks run instead) or back on; for tests and benchmarks. */
export function setNativeKernelsEnabled(on: boolean): void {
  enabled = on;
}
