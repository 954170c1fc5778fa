/**
 * Checkpoint files: one binary file holding a JSON header (free-form `meta`, the run's config
 * fingerprint, the array table) followed by the typed arrays, 8-byte aligned, with a CRC-32 of
 * everything after the fixed preamble. Saved to a temporary name and renamed, so a failed
 * save never leaves a half-written checkpoint; a truncated or corrupt file, or one from another
 * config, is a clear error on load.
 *
 * Layout: "SOLARCK1" | u32 header bytes | u32 crc32(header + data) | header JSON | pad | data.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { canonicalJson } from '../config/config-diff.js';
import { writeFileAtomic } from './run-dir.js';

const MAGIC = 'SOLARCK1';
const PREAMBLE = 16;

export type StoredArray = Float64Array | Float32Array | Int32Array | Uint8Array;
const DTYPES = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array } as const;
type DType = keyof typeof DTYPES;

export interface Checkpoint {
  /** JSON-serialisable state (iteration, RNG states, optimiser step, …). */
  readonly meta: unknown;
  readonly arrays: Readonly<Record<string, StoredArray>>;
}

interface Header {
  fingerprint: string;
  meta: unknown;
  arrays: { name: string; dtype: DType; length: number; offset: number }[];
  dataBytes: number;
}

function dtypeOf(a: StoredArray): DType {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** A stable fingerprint of the settings a checkpoint must match (key order does not matter). */
export function configFingerprint(config: unknown): string {
  const text = canonicalJson(config);
  return (crc32(text) >>> 0).toString(16).padStart(8, '0') + ':' + text.length;
}

export function encodeCheckpoint(ckpt: Checkpoint, fingerprint: string): Uint8Array {
  const table: Header['arrays'] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(ckpt.arrays)) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new Error(`checkpoint: array '${name}' has a non-finite value at ${i} (${a[i]}); refusing to save it`);
    }
    table.push({ name, dtype: dtypeOf(a), length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header: Header = { fingerprint, meta: ckpt.meta, arrays: table, dataBytes: offset };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((PREAMBLE + headerBytes.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE);
  for (const entry of table) {
    const a = ckpt.arrays[entry.name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entry.offset);
  }
  view.setUint32(12, crc32(out.subarray(PREAMBLE)) >>> 0, true);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, expectedFingerprint: string | null, label = 'checkpoint'): Checkpoint {
  if (bytes.length < PREAMBLE || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error(`${label} is not a solar checkpoint (bad magic bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(8, true);
  if (PREAMBLE + headerLen > bytes.length) throw new Error(`${label} is truncated (${bytes.length} bytes, its header alone needs ${PREAMBLE + headerLen})`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLen)));
  } catch {
    throw new Error(`${label} is corrupt (unreadable header)`);
  }
  const dataStart = Math.ceil((PREAMBLE + headerLen) / 8) * 8;
  if (dataStart + header.dataBytes !== bytes.length) throw new Error(`${label} is truncated or padded (${bytes.length} bytes, expected ${dataStart + header.dataBytes})`);
  if ((crc32(bytes.subarray(PREAMBLE)) >>> 0) !== view.getUint32(12, true)) throw new Error(`${label} is corrupt (checksum mismatch)`);
  if (expectedFingerprint !== null && header.fingerprint !== expectedFingerprint) {
    throw new Error(`${label} was written by a run with a different config (fingerprint ${header.fingerprint}, this run ${expectedFingerprint})`);
  }
  const arrays: Record<string, StoredArray> = {};
  for (const e of header.arrays) {
    const Ctor = DTYPES[e.dtype];
    if (!Ctor) throw new Error(`${label}: unknown dtype '${e.dtype}' of array '${e.name}'`);
    const start = dataStart + e.offset;
    // Copy so the arrays are aligned and independent of the file buffer (Buffer#slice would
    // only make a view of Node's pooled buffer, so use Uint8Array's copying slice).
    arrays[e.name] = new Ctor(Uint8Array.prototype.slice.call(bytes, start, start + e.length * Ctor.BYTES_PER_ELEMENT).buffer);
  }
  return { meta: header.meta, arrays };
}

export function saveCheckpoint(file: string, ckpt: Checkpoint, fingerprint: string): void {
  writeFileAtomic(file, encodeCheckpoint(ckpt, fingerprint));
}

export function loadCheckpoint(file: string, expectedFingerprint: string | null): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read checkpoint '${file}': ${e instanceof Error ? e.message : String(e)}`);
  }
  return decodeCheckpoint(bytes, expectedFingerprint, `checkpoint '${file}'`);
}
