/**
 * Choosing and initialising the tfjs backend, once per process.
 *
 * - 'wasm' (default under Node): XNNPACK kernels, single-threaded under Node; solar's own
 *   kernels (./kernels) are registered first so conv nets can train on it.
 * - 'cpu': tfjs's pure-JS backend (with solar's faster conv filter gradient); several times
 *   slower than wasm, the fallback when wasm cannot start.
 * - 'tensorflow': tfjs-node's native backend, only if the user installed
 *   `@tensorflow/tfjs-node` themselves (not a dependency: its install downloads a binary).
 * - 'auto': wasm, else cpu. Never picks 'tensorflow' by itself, so results do not silently
 *   depend on what else happens to be installed.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerSolarKernels } from './kernels/register.js';
import { loadNativeKernels, nativeKernels } from './kernels/native/module.js';
import { defaultWasmDir } from './wasm-paths.js';

export type BackendRequest = 'wasm' | 'cpu' | 'tensorflow' | 'auto';
export type BackendName = 'wasm' | 'cpu' | 'tensorflow';

/** What run directories record about the numerical backend. */
export interface BackendInfo {
  /** The backend actually in use. */
  name: BackendName;
  /** What was asked for. */
  requested: BackendRequest;
  /** Why the request was not honoured as asked ('auto' falling back to cpu), if so. */
  fallbackReason?: string;
  /** wasm only: whether the SIMD build was loaded. */
  simd?: boolean;
  /**
   * wasm only: which build of solar's own SIMD kernels (kernels/native: the conv gradients,
   * bias sums and adds, relu's gradient) runs — 'relaxed' (fused multiply-add) or 'simd' — or
   * 'none' and why (the composite kernels on XNNPACK's Conv2D run instead).
   */
  simdKernels?: 'relaxed' | 'simd' | 'none';
  simdKernelsFailure?: string;
  /** tfjs kernels replaced by solar's own for this backend (see kernels/register.ts). */
  solarKernels: string[];
  tfjsVersion: string;
}

export interface InitBackendOptions {
  /**
   * Directory or URL prefix (ending in '/') of the tfjs-backend-wasm .wasm files. Defaults to
   * the installed package under Node; a browser build must pass where it serves them.
   */
  wasmPath?: string;
}

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;
let wasmPathSet = false;
/** Why solar's SIMD kernels did not load on the wasm backend (undefined: they did). */
let nativeFailure: string | null = null;

/** The backend set by the last `initBackend`, or undefined before any. */
export function backendInfo(): BackendInfo | undefined {
  return current && { ...current };
}

/**
 * Makes `request` the active tfjs backend and returns the one actually in use. Idempotent: a
 * repeated request returns at once; a different request switches backends.
 */
export async function initBackend(request: BackendRequest = 'auto', options: InitBackendOptions = {}): Promise<BackendName> {
  // Serialise: two overlapping calls must not race on tf.setBackend.
  const previous = pending ?? Promise.resolve(undefined);
  const next = previous.catch(() => undefined).then(() => init(request, options));
  pending = next;
  return (await next).name;
}

async function init(request: BackendRequest, options: InitBackendOptions): Promise<BackendInfo> {
  if (current && current.requested === request && tf.getBackend() === current.name) return current;
  let info: BackendInfo;
  if (request === 'auto') {
    try {
      await useWasm(options);
      info = describe('wasm', request);
    } catch (e) {
      await useCpu();
      info = { ...describe('cpu', request), fallbackReason: `wasm backend failed: ${(e as Error).message}` };
    }
  } else if (request === 'wasm') {
    await useWasm(options);
    info = describe('wasm', request);
  } else if (request === 'cpu') {
    await useCpu();
    info = describe('cpu', request);
  } else if (request === 'tensorflow') {
    await useTensorflow();
    info = describe('tensorflow', request);
  } else {
    throw new Error(`initBackend: unknown backend '${String(request)}' (expected wasm, cpu, tensorflow or auto)`);
  }
  current = info;
  return info;
}

function describe(name: BackendName, requested: BackendRequest): BackendInfo {
  const solarKernels = name === 'tensorflow' ? [] : registerSolarKernels(name);
  const info: BackendInfo = { name, requested, solarKernels, tfjsVersion: tf.version_core };
  if (name === 'wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.simdKernels = nativeFailure == null ? (nativeKernels(tf.backend())?.build ?? 'none') : 'none';
    if (nativeFailure != null) info.simdKernelsFailure = nativeFailure;
  }
  return info;
}

async function useWasm(options: InitBackendOptions): Promise<void> {
  registerSolarKernels('wasm');
  // setWasmPaths throws once the wasm backend has started, so only set it before the first start.
  if (!wasmPathSet && tf.engine().registry['wasm'] == null) {
    const dir = options.wasmPath ?? (await defaultWasmDir());
    if (dir != null) setWasmPaths(dir);
    wasmPathSet = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed to initialise the wasm backend');
  await tf.ready();
  nativeFailure = await loadNativeKernels(tf.backend());
}

async function useCpu(): Promise<void> {
  registerSolarKernels('cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
  await tf.ready();
  // The cpu backend prints an "install tfjs-node" banner on first use under Node; choosing cpu
  // here is deliberate, so silence it (a private flag; harmless if a later tfjs drops it).
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu != null && 'firstUse' in cpu) cpu.firstUse = false;
}

async function useTensorflow(): Promise<void> {
  const pkg = '@tensorflow/tfjs-node';
  try {
    // A variable specifier: the package is optional and must not be resolved at build time.
    await import(pkg);
  } catch (e) {
    throw new Error(
      `backend 'tensorflow' needs the optional package ${pkg} (npm install ${pkg}@${tf.version_core}); ` +
        `it could not be loaded: ${(e as Error).message}`,
    );
  }
  // tfjs-node registers 'tensorflow' with its own copy of tfjs-core; a version other than ours
  // installs a second copy, and our tf never sees the backend.
  if (tf.findBackendFactory('tensorflow') == null || !(await tf.setBackend('tensorflow'))) {
    throw new Error(`${pkg} loaded but its 'tensorflow' backend is not usable here; install ${pkg}@${tf.version_core} (the tfjs version solar uses)`);
  }
  await tf.ready();
}
