/**
 * The run directories under a folder as `solar serve` shows them (docs/run-directory.md):
 * found by their config.json, their status read from `.lock` and summary.json, and run ids
 * (paths relative to the folder) checked so that a request never reaches outside it.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { runDirLocked } from '../run/run-dir.js';

export type RunStatus = 'finished' | 'running' | 'stopped';

export interface RunListing {
  /** Path relative to the runs folder, with '/' separators: what /api/runs/:id takes. */
  id: string;
  name: string;
  command?: string;
  method?: string;
  task?: string;
  seed?: number;
  preset?: string;
  status: RunStatus;
  /** Lines of metrics.jsonl (iterations, or logging steps of a model run). */
  iterations: number;
  /** summary.json's mean_final_distance once the run has finished. */
  final_distance?: number;
}

/** An error with the HTTP status the server answers it with. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * How deep run directories are looked for: runs/x is 1, runs/compare-y/runs/z is 3 (compare
 * writes its runs one folder down). Deeper folders are not looked into.
 */
const MAX_DEPTH = 3;
/** Folders of a run that hold no runs: not descended into. */
const NOT_RUNS = new Set(['checkpoints', 'rollouts', 'policies', 'frames', 'node_modules']);

function isRunDir(dir: string): boolean {
  return existsSync(join(dir, 'config.json'));
}

/** Every run directory under `root`, sorted by id; a folder holding a run is not searched further. */
export function findRunDirs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // Unreadable or removed while listing: nothing to show.
    }
    for (const e of entries) {
      // Symbolic links are skipped: a run is listed only where it really is, inside the folder.
      if (!e.isDirectory() || e.name.startsWith('.') || NOT_RUNS.has(e.name)) continue;
      const sub = join(dir, e.name);
      if (isRunDir(sub)) found.push(sub);
      else if (depth < MAX_DEPTH) walk(sub, depth + 1);
    }
  };
  walk(root, 1);
  return found.map((d) => relative(root, d).split(sep).join('/')).sort();
}

/**
 * The absolute directory of run `id` under `root`. A malformed id (empty, absolute, with '..',
 * '.', empty or hidden segments, a backslash or a control character) is a 400; one that names
 * no run directory, or resolves outside `root` through a link, is a 404.
 */
export function resolveRunId(root: string, id: string): string {
  // eslint-disable-next-line no-control-regex
  if (id.length === 0 || id.length > 500 || /[\\\u0000-\u001f]/.test(id) || isAbsolute(id)) throw new HttpError(400, `bad run id '${printable(id)}'`);
  const parts = id.split('/');
  if (parts.length > MAX_DEPTH || parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.'))) throw new HttpError(400, `bad run id '${printable(id)}'`);
  const dir = resolve(root, ...parts);
  let real: string, realRoot: string;
  try {
    real = realpathSync(dir);
    realRoot = realpathSync(root);
  } catch {
    throw new HttpError(404, `no run '${id}'`);
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !statSync(real).isDirectory() || !isRunDir(real)) throw new HttpError(404, `no run '${id}'`);
  return real;
}

const printable = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s).replace(/[\u0000-\u001f]/g, '?'); // eslint-disable-line no-control-regex

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The parsed lines of a JSONL file ([] if absent). Unlike RunDir.readJsonl a bad line is
 * skipped rather than an error: the server shows what it can of a run being written.
 */
export function readJsonlLines(file: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseJsonlText(text);
}

export function parseJsonlText(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(v);
    } catch {
      // A line cut off mid-append (or garbage): skipped.
    }
  }
  return out;
}

/**
 * running: a `.lock` whose writer is alive (a lock of another host cannot be checked and counts
 * as running); else finished when summary.json exists; else stopped (killed or interrupted).
 */
export function runStatus(dir: string): RunStatus {
  if (runDirLocked(dir)) return 'running';
  return existsSync(join(dir, 'summary.json')) ? 'finished' : 'stopped';
}

function countLines(file: string): number {
  try {
    return parseJsonlText(readFileSync(file, 'utf8')).length;
  } catch {
    return 0;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function describeRun(root: string, id: string): RunListing {
  const dir = resolve(root, ...id.split('/'));
  const config = readJson(join(dir, 'config.json')) ?? {};
  const env = config.env as Record<string, unknown> | undefined;
  const status = runStatus(dir);
  const summary = status === 'finished' ? readJson(join(dir, 'summary.json')) : undefined;
  const listing: RunListing = {
    id, name: id.split('/').at(-1)!, command: str(config.command), method: str(config.method), task: str(env?.name), seed: num(config.seed), preset: str(config.preset),
    status, iterations: countLines(join(dir, 'metrics.jsonl')),
  };
  const d = num(summary?.mean_final_distance);
  if (d !== undefined) listing.final_distance = d;
  // A field that does not apply is absent (docs/run-directory.md), not undefined in the JSON.
  return Object.fromEntries(Object.entries(listing).filter(([, v]) => v !== undefined)) as unknown as RunListing;
}

export function listRuns(root: string): RunListing[] {
  return findRunDirs(root).map((id) => describeRun(root, id));
}

/** Names GET /api/runs/:id/file/:name serves: the learning curve, the watch video, the latest rollout (live.gif) and the rollout GIFs. */
export const FILE_NAME = /^(learning-curve\.svg|watch\.gif|live\.gif|iter-\d{1,6}\.gif|final-ep-\d{1,6}\.gif)$/;

/** Where file `name` (matching FILE_NAME) lives in a run directory: iteration GIFs are under rollouts/. */
export function runFilePath(dir: string, name: string): string {
  if (!FILE_NAME.test(name)) throw new HttpError(400, `bad file name '${printable(name)}': learning-curve.svg, watch.gif, live.gif, iter-N.gif or final-ep-N.gif`);
  return name.startsWith('iter-') ? join(dir, 'rollouts', name) : join(dir, name);
}

/** The iteration GIFs of a run (rollouts/iter-N.gif), oldest first. */
export function iterationGifs(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'rollouts')).filter((f) => /^iter-\d{1,6}\.gif$/.test(f)).sort((a, b) => gifNumber(a) - gifNumber(b));
  } catch {
    return [];
  }
}
const gifNumber = (f: string): number => Number(/\d+/.exec(f)![0]);

export interface RunDetail extends RunListing {
  config: Record<string, unknown>;
  summary?: Record<string, unknown>;
  metrics: Record<string, unknown>[];
  pretrain: Record<string, unknown>[];
  /** Files GET /api/runs/:id/file/:name has for this run. */
  files: { learning_curve: boolean; watch: boolean; live: boolean; iteration_gifs: string[]; final_gifs: string[] };
}

export function runDetail(root: string, id: string): RunDetail {
  const dir = resolveRunId(root, id);
  let finals: string[] = [];
  try {
    finals = readdirSync(dir).filter((f) => /^final-ep-\d{1,6}\.gif$/.test(f)).sort();
  } catch {
    // Listed a moment ago; gone now: no files.
  }
  return {
    ...describeRun(root, id),
    config: readJson(join(dir, 'config.json')) ?? {},
    summary: readJson(join(dir, 'summary.json')),
    metrics: readJsonlLines(join(dir, 'metrics.jsonl')),
    pretrain: readJsonlLines(join(dir, 'pretrain.jsonl')),
    files: { learning_curve: existsSync(join(dir, 'learning-curve.svg')), watch: existsSync(join(dir, 'watch.gif')), live: existsSync(join(dir, 'live.gif')), iteration_gifs: iterationGifs(dir), final_gifs: finals },
  };
}
