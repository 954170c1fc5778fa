import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { defaultWasmDir, isNode } from './wasm-paths.js';

it('locates the installed tfjs-backend-wasm binaries under Node', async () => {
  expect(isNode()).toBe(true);
  const dir = await defaultWasmDir();
  expect(dir).toMatch(/tfjs-backend-wasm[\\/]dist[\\/]$/);
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) expect(existsSync(dir + f)).toBe(true);
});
