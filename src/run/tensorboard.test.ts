import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDir } from './run-dir.js';
import { crc32c, FILE_VERSION } from './tensorboard.js';

/**
 * An independent reader of TensorBoard event files in Python's standard library: its own
 * CRC-32C (bit by bit), TFRecord framing and protobuf wire-format decoding of Event/Summary
 * by TensorFlow's field numbers. Any bad CRC, truncated record, unexpected field or wire type
 * is an error (exit 1). Prints, per file, the events as JSON.
 */
const PY_READER = String.raw`
import json, struct, sys

def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    return c ^ 0xFFFFFFFF

def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283

def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]; i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i

def fields(buf):
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 1:
            v = buf[i:i + 8]; i += 8
        elif wt == 5:
            v = buf[i:i + 4]; i += 4
        elif wt == 2:
            n, i = varint(buf, i)
            v = buf[i:i + n]; i += n
        else:
            raise SystemExit("unexpected wire type %d" % wt)
        if i > len(buf):
            raise SystemExit("truncated field %d" % num)
        yield num, wt, v

def value(buf):
    out = {}
    for num, wt, v in fields(buf):
        if (num, wt) == (1, 2): out["tag"] = v.decode("utf-8")
        elif (num, wt) == (2, 5): out["simple_value"] = struct.unpack("<f", v)[0]
        else: raise SystemExit("unexpected Summary.Value field %d/%d" % (num, wt))
    return out

def event(buf):
    out = {"wall_time": 0.0, "step": 0}
    for num, wt, v in fields(buf):
        if (num, wt) == (1, 1): out["wall_time"] = struct.unpack("<d", v)[0]
        elif (num, wt) == (2, 0): out["step"] = v - (1 << 64) if v >= 1 << 63 else v
        elif (num, wt) == (3, 2): out["file_version"] = v.decode("utf-8")
        elif (num, wt) == (5, 2):
            vals = []
            for n2, w2, v2 in fields(v):
                if (n2, w2) != (1, 2): raise SystemExit("unexpected Summary field %d/%d" % (n2, w2))
                vals.append(value(v2))
            out["values"] = vals
        else: raise SystemExit("unexpected Event field %d/%d" % (num, wt))
    return out

result = {}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    i, events = 0, []
    while i < len(data):
        if i + 12 > len(data): raise SystemExit("truncated header at %d" % i)
        header = data[i:i + 8]
        (n,) = struct.unpack("<Q", header)
        (hcrc,) = struct.unpack("<I", data[i + 8:i + 12])
        if hcrc != masked(header): raise SystemExit("bad length CRC at %d" % i)
        body = data[i + 12:i + 12 + n]
        if len(body) != n or i + 16 + n > len(data): raise SystemExit("truncated record at %d" % i)
        (dcrc,) = struct.unpack("<I", data[i + 12 + n:i + 16 + n])
        if dcrc != masked(body): raise SystemExit("bad data CRC at %d" % i)
        events.append(event(body))
        i += 16 + n
    result[path] = events
print(json.dumps(result))
`;

interface PyEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  values?: { tag?: string; simple_value?: number }[];
}

const python = ['python3', 'python'].find((p) => spawnSync(p, ['-c', 'import sys; assert sys.version_info >= (3, 6)']).status === 0);

function readWithPython(files: string[]): Record<string, PyEvent[]> {
  const r = spawnSync(python!, ['-c', PY_READER, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python reader failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout) as Record<string, PyEvent[]>;
}

function eventsFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).sort().map((f) => join(dir, f));
}

/** What TensorBoard should hold for a line: its numeric fields finite in float32, as float32, in order. */
function expectedScalars(prefix: string, line: Record<string, unknown>): { tag: string; simple_value: number }[] {
  return Object.entries(line)
    .filter((kv): kv is [string, number] => typeof kv[1] === 'number' && Number.isFinite(Math.fround(kv[1])))
    .map(([k, v]) => ({ tag: `${prefix}/${k}`, simple_value: Math.fround(v) }));
}

// Shaped like real lines (solar train --preset quick, solar model): values that round in
// float32, zeros (proto3 would drop a plain 0 field), NaN/Infinity/null (JSON writes null),
// strings, booleans and nested objects (not scalars).
const PRETRAIN = [
  { step: 25, elbo: -56519.845779418945, recon: -54498.8125, kl: 198.2751922607422, kl_global: 0, beta: 0.406, wall_s: 6.043424493000001 },
  { step: 50, elbo: -5572.72509765625, recon: -3832.491943359375, kl: 1175.923583984375, kl_global: Number.NaN, beta: 0.8185, wall_s: 8.875794298 },
];
const METRICS = [
  { iteration: 0, env_steps: 1200, mean_cost: 303.9213297348549, success_rate: 0, kl: 47.13091720958119, eta: 4.45433290786076, filter_r2: -3.6272659349300778, note: 'text', done: true, r2: { agent: 0.97 }, wall_s: 22.56145953 },
  { iteration: 1, env_steps: 1600, mean_cost: 275.64228095276536, success_rate: 0.25, kl: Number.POSITIVE_INFINITY, eta: 0.9448677424420457, big: 1e300, wall_s: 26.002162397 },
];

describe('crc32c', () => {
  it('gives the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
});

describe('TensorBoard events file', () => {
  it('logs nothing for other files, and makes no events file before the first metrics line', () => {
    const dir = RunDir.create(mkdtempSync(join(tmpdir(), 'solar-tb-')));
    dir.appendJsonl('episodes.jsonl', { episode: 0, seed: 1, total_cost: 3.5, success: false });
    expect(eventsFiles(dir.root)).toEqual([]);
  });

  it.skipIf(!python)('is read by an independent reader: CRCs, file version, tags, steps and float32 values', () => {
    const t0 = Date.now() / 1000;
    const dir = RunDir.create(mkdtempSync(join(tmpdir(), 'solar-tb-')));
    for (const l of PRETRAIN) dir.appendJsonl('pretrain.jsonl', l);
    for (const l of METRICS) dir.appendJsonl('metrics.jsonl', l);
    const t1 = Date.now() / 1000;

    const files = eventsFiles(dir.root);
    expect(files).toHaveLength(1);
    // TensorBoard's name: events.out.tfevents.<unix seconds>.<host>[...]
    const m = /^events\.out\.tfevents\.(\d+)\.(.+)$/.exec(files[0].split('/').at(-1)!);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(Math.floor(t0));
    expect(Number(m![1])).toBeLessThanOrEqual(Math.floor(t1));
    expect(m![2].startsWith(hostname())).toBe(true);

    const events = readWithPython(files)[files[0]];
    expect(events[0]).toEqual({ wall_time: events[0].wall_time, step: 0, file_version: FILE_VERSION });
    // Compared with the lines as the JSONL files hold them.
    const pretrain = dir.readJsonl('pretrain.jsonl');
    const metrics = dir.readJsonl('metrics.jsonl');
    const expected = [
      ...pretrain.map((l) => ({ step: l.step, values: expectedScalars('pretrain', l) })),
      ...metrics.map((l) => ({ step: l.env_steps, values: expectedScalars('metrics', l) })),
    ];
    expect(events.slice(1).map((e) => ({ step: e.step, values: e.values }))).toEqual(expected);
    for (const e of events) {
      expect(e.wall_time).toBeGreaterThanOrEqual(t0 - 1);
      expect(e.wall_time).toBeLessThanOrEqual(t1 + 1);
    }
    // The cases the JSONL round trip hides: dropped non-finite and beyond-float32 values, kept zeros.
    const tags = events.slice(1).map((e) => e.values!.map((v) => v.tag));
    expect(tags[1]).not.toContain('pretrain/kl_global');
    expect(tags[0]).toContain('pretrain/kl_global');
    expect(tags[3]).not.toContain('metrics/kl');
    expect(tags[3]).not.toContain('metrics/big');
    expect(tags[2]).not.toContain('metrics/note');
    expect(tags[2]).not.toContain('metrics/r2');
    expect(events[3].values!.find((v) => v.tag === 'metrics/success_rate')?.simple_value).toBe(0);
  });

  it.skipIf(!python)('steps a model run (constant env_steps) by its gradient step, and a line without a step field by its index', () => {
    const dir = RunDir.create(mkdtempSync(join(tmpdir(), 'solar-tb-')));
    dir.appendJsonl('metrics.jsonl', { iteration: 0, step: 100, env_steps: 5000, elbo: -12.5 });
    dir.appendJsonl('metrics.jsonl', { iteration: 1, step: 200, env_steps: 5000, elbo: -11.25 });
    dir.appendJsonl('pretrain.jsonl', { elbo: -3 });
    dir.appendJsonl('pretrain.jsonl', { elbo: -2 });
    const [file] = eventsFiles(dir.root);
    const events = readWithPython([file])[file].slice(1);
    expect(events.map((e) => e.step)).toEqual([100, 200, 0, 1]);
  });

  it.skipIf(!python)('starts a new file for a reopened (resumed) run and leaves the earlier file byte for byte', () => {
    const root = mkdtempSync(join(tmpdir(), 'solar-tb-'));
    const first = RunDir.create(root);
    first.appendJsonl('metrics.jsonl', METRICS[0]);
    const [old] = eventsFiles(root);
    const before = readFileSync(old);

    const resumed = RunDir.open(root);
    resumed.appendJsonl('metrics.jsonl', METRICS[1]);
    const files = eventsFiles(root);
    expect(files).toHaveLength(2);
    expect(readFileSync(old).equals(before)).toBe(true);
    const read = readWithPython(files);
    const fresh = files.find((f) => f !== old)!;
    expect(read[fresh][0].file_version).toBe(FILE_VERSION);
    expect(read[fresh].slice(1).map((e) => e.step)).toEqual([METRICS[1].env_steps]);
    expect(read[old].slice(1).map((e) => e.step)).toEqual([METRICS[0].env_steps]);
  });
});
