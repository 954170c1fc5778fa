/**
 * Where the tfjs wasm binaries live. This is the only Node-specific code in src/nn: under
 * Node the binaries are read from the installed package's dist/ directory; a browser build
 * replaces this module (or passes `wasmPath` to initBackend) because there the binaries are
 * fetched by URL from wherever the app serves them.
 */

/** True when running under Node (vitest's forks pool included). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * The directory (with trailing slash) holding tfjs-backend-wasm's .wasm files, or undefined
 * outside Node. `node:module` is imported dynamically so that bundlers for the browser never
 * see a static Node import.
 */
export async function defaultWasmDir(): Promise<string | undefined> {
  if (!isNode()) return undefined;
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  // The package's "main" is dist/tf-backend-wasm.node.js, next to the .wasm files.
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return main.slice(0, Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
}
