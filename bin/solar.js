#!/usr/bin/env node
import { enableRelaxedSimd } from '../build/src/run/wasm-features.js';
import { main } from '../build/src/cli/main.js';

// Before any wasm compiles: solar's kernels use relaxed SIMD's fused multiply-add (Node 20).
enableRelaxedSimd();

// `solar envs | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); else throw err; });
}

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.stack ?? err.message : String(err)); process.exitCode = 1; },
);
