#!/bin/sh
# Builds solar's WebAssembly kernels (src/nn/kernels/native/*.c) and embeds them as base64 in
# src/nn/kernels/native/*-wasm.ts, so the library loads them without a file system. Needs
# clang and wasm-ld (Debian: apt-get install clang lld). Run after editing a .c file.
set -eu
cd "$(dirname "$0")/.."
dir=src/nn/kernels/native
for src in "$dir"/*.c; do
  name=$(basename "$src" .c)
  out=$(mktemp)
  clang --target=wasm32 -O3 -msimd128 -ffreestanding -fno-builtin -nostdlib \
    -Wall -Wextra -Werror \
    -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,-z,stack-size=0 \
    -o "$out" "$src"
  node -e '
    const fs = require("fs");
    const [bin, src, ts] = process.argv.slice(1);
    const b64 = fs.readFileSync(bin).toString("base64");
    const body = `// Generated from ${src} by scripts/build-kernels.sh; edit the C file, not this one.\nexport const WASM_BASE64 =\n  ${JSON.stringify(b64)};\n`;
    fs.writeFileSync(ts + ".tmp", body);
    fs.renameSync(ts + ".tmp", ts);
  ' "$out" "$src" "$dir/$name-wasm.ts"
  echo "built $src -> $dir/$name-wasm.ts ($(wc -c < "$out") bytes)"
  rm -f "$out"
done
