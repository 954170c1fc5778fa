/**
 * TensorBoard event files for a run directory, so `tensorboard --logdir runs` shows every run:
 * each line appended to metrics.jsonl or pretrain.jsonl becomes one event holding its numeric
 * fields as scalars (tags `metrics/<field>`, `pretrain/<field>`).
 *
 * Written in pure JS because tfjs writes TensorBoard files only through tfjs-node (a native
 * addon). The format is TensorFlow's: a TFRecord file (each record: uint64 length, masked
 * CRC-32C of the length, the data, masked CRC-32C of the data; all little-endian) of
 * `tensorflow.Event` protobufs, the first holding only `file_version: "brain.Event:2"`.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/**
 * The subset of tensorflow/core/util/event.proto and framework/summary.proto that scalars need,
 * with TensorFlow's field numbers. `simple_value` and the Event payloads sit in oneofs as in
 * TensorFlow: proto3 omits a plain scalar field holding 0, and TensorBoard would then see a
 * value with no data instead of a scalar 0.
 */
const PROTO = `
syntax = "proto3";
package tensorflow;
message Summary {
  message Value {
    string tag = 1;
    oneof value { float simple_value = 2; }
  }
  repeated Value value = 1;
}
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
`;

const EVENT = protobuf.parse(PROTO, { keepCase: true }).root.lookupType('tensorflow.Event');

/** The version string TensorBoard expects in the first event of a file. */
export const FILE_VERSION = 'brain.Event:2';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) lookup table, one entry per byte. */
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of `data` (the checksum TFRecord uses; crc32c("123456789") = 0xE3069283). */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: a CRC stored next to the data it covers must not look like data's own CRC. */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: the framing around `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** A serialized Event: either the file-version header or a summary of scalars. */
export function encodeEvent(e: { wall_time: number; step?: number; file_version?: string; scalars?: readonly (readonly [string, number])[] }): Uint8Array {
  const obj: Record<string, unknown> = { wall_time: e.wall_time, step: e.step ?? 0 };
  if (e.file_version !== undefined) obj.file_version = e.file_version;
  if (e.scalars) obj.summary = { value: e.scalars.map(([tag, v]) => ({ tag, simple_value: v })) };
  return EVENT.encode(EVENT.fromObject(obj)).finish();
}

/** The JSONL files that feed TensorBoard, with their tag prefix and the fields tried, in order, as the step. */
const SOURCES: Record<string, { prefix: string; stepFields: readonly string[] }> = {
  // `step` first: a model run's lines carry the gradient step and a constant env_steps (the
  // size of its data set); training lines have no `step` and count env steps.
  'metrics.jsonl': { prefix: 'metrics', stepFields: ['step', 'env_steps', 'iteration', 'update'] },
  'pretrain.jsonl': { prefix: 'pretrain', stepFields: ['step'] },
};

/** Whether a value is stored as a scalar: a number finite also in float32 (simple_value's type). */
function isScalar(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Number.isFinite(Math.fround(v));
}

/**
 * The events file of one RunDir object, made at its first metrics or pretrain line. A resumed
 * run opens a new RunDir and so starts a new file (TensorBoard reads every events file in a
 * directory); earlier files are never touched again.
 */
export class TensorBoardLog {
  private file: string | undefined;
  /** Lines seen per JSONL file: the step of a line that has none of its step fields. */
  private readonly counts = new Map<string, number>();

  constructor(private readonly dir: string) {}

  /** The events file written so far, if any. */
  get path(): string | undefined {
    return this.file;
  }

  /** Logs the numeric fields of a line just appended to `rel` (other files are not logged). */
  addJsonlLine(rel: string, line: unknown): void {
    const source = SOURCES[rel];
    if (!source || typeof line !== 'object' || line === null || Array.isArray(line)) return;
    const index = this.counts.get(rel) ?? 0;
    this.counts.set(rel, index + 1);
    const fields = line as Record<string, unknown>;
    const scalars = Object.entries(fields).filter((kv): kv is [string, number] => isScalar(kv[1])).map(([k, v]) => [`${source.prefix}/${k}`, v] as const);
    if (scalars.length === 0) return;
    const stepField = source.stepFields.map((f) => fields[f]).find((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
    this.append(encodeEvent({ wall_time: Date.now() / 1000, step: stepField ?? index, scalars }));
  }

  /** Appends one record and flushes it: a crash loses at most the record being written. */
  private append(event: Uint8Array): void {
    if (this.file === undefined) {
      const file = newEventsFileName(this.dir);
      this.file = file;
      this.append(encodeEvent({ wall_time: Date.now() / 1000, file_version: FILE_VERSION }));
    }
    appendFileSync(this.file, tfRecord(event));
    const fd = openSync(this.file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** events.out.tfevents.<unix seconds>.<host>.<pid>, as TensorFlow names them; a suffix keeps an existing file untouched. */
function newEventsFileName(dir: string): string {
  const base = join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}`);
  let file = base;
  for (let k = 2; existsSync(file); k++) file = `${base}.${k}`;
  return file;
}
