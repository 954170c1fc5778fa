#!/bin/sh
# Builds solar's WebAssembly kernels (src/nn/kernels/native/*.c) twice — plain SIMD128, and
# relaxed SIMD (fused multiply-add) — and embeds both as base64 in
# src/nn/kernels/native/*-wasm.ts, so the library loads them without a file system. Needs
# clang and wasm-ld with relaxed SIMD (LLVM ≥ 16; Debian: apt-get install clang-19 lld-19).
# Run after editing a .c file.
set -eu
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang-19}
dir=src/nn/kernels/native
for src in "$dir"/*.c; do
  name=$(basename "$src" .c)
  simd=$(mktemp)
  relaxed=$(mktemp)
  flags="--target=wasm32 -O3 -ffp-contract=off -ffreestanding -fno-builtin -nostdlib -Wall -Wextra -Werror
    -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,-z,stack-size=0"
  # shellcheck disable=SC2086
  "$CLANG" $flags -msimd128 -o "$simd" "$src"
  # shellcheck disable=SC2086
  "$CLANG" $flags -msimd128 -mrelaxed-simd -DSOLAR_RELAXED_SIMD -o "$relaxed" "$src"
  node -e '
    const fs = require("fs");
    const [simd, relaxed, src, ts] = process.argv.slice(1);
    const b64 = (f) => JSON.stringify(fs.readFileSync(f).toString("base64"));
    const body = `// Generated from ${src} by scripts/build-kernels.sh; edit the C file, not this one.\n` +
      `/** SIMD128 only. */\nexport const WASM_SIMD_BASE64 =\n  ${b64(simd)};\n` +
      `/** With relaxed SIMD (fused multiply-add). */\nexport const WASM_RELAXED_SIMD_BASE64 =\n  ${b64(relaxed)};\n`;
    fs.writeFileSync(ts + ".tmp", body);
    fs.renameSync(ts + ".tmp", ts);
  ' "$simd" "$relaxed" "$src" "$dir/$name-wasm.ts"
  echo "built $src -> $dir/$name-wasm.ts ($(wc -c < "$simd") + $(wc -c < "$relaxed") bytes)"
  rm -f "$simd" "$relaxed"
done
