/**
 * Node 20 compiles WebAssembly relaxed SIMD (fused multiply-add, which solar's kernels use:
 * nn/kernels/native) only behind a V8 flag; Node ≥ 22 and current browsers have it on. The
 * flag is process-wide and must be set before the kernels compile: the CLI, the benchmarks
 * and a library user's own entry call this first. Without it the plain SIMD build runs
 * (slower, and its floats round differently; config.json records which ran).
 */
import { setFlagsFromString } from 'node:v8';

export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
