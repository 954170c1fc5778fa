import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // As bin/solar.js: solar's wasm kernels in their relaxed-SIMD build (nn/kernels/native).
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
