/**
 * The run directory (see docs/run-directory.md): every file is written whole or not at all
 * (temporary name, then rename), and JSONL metrics are appended line by line and flushed.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

let tmpCounter = 0;

/** Writes `data` to `file` atomically: a crash leaves either the old file or the new one. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${tmpCounter++}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface OpenOptions {
  /** Replace the contents of an existing run directory (one holding a config.json). */
  force?: boolean;
}

/** Default directory name: runs/<command>-<task>-<method>-s<seed>; a suffix -2, -3… avoids clobbering. */
export function defaultRunDir(parts: { command: string; env?: string; method?: string; seed: number }, root = 'runs'): string {
  const base = join(root, [parts.command, parts.env, parts.method, `s${parts.seed}`].filter(Boolean).join('-'));
  let dir = base;
  for (let k = 2; existsSync(dir) && readdirSync(dir).length > 0; k++) dir = `${base}-${k}`;
  return dir;
}

export class RunDir {
  private constructor(readonly root: string) {}

  /**
   * Opens `dir` for a new run. Errors when it is a file, or a non-empty directory (unless
   * `force` and it is a run directory, whose contents are then removed).
   */
  static create(dir: string, opts: OpenOptions = {}): RunDir {
    const root = resolve(dir);
    if (existsSync(root)) {
      const st = statSync(root);
      if (!st.isDirectory()) throw new Error(`output path '${dir}' exists and is a file, not a directory`);
      const entries = readdirSync(root);
      if (entries.length > 0) {
        if (!opts.force) throw new Error(`output directory '${dir}' is not empty; choose another --out, or pass --force to replace a previous run there`);
        if (!entries.includes('config.json')) throw new Error(`refusing to clear '${dir}' with --force: it does not look like a run directory (no config.json)`);
        for (const e of entries) rmSync(join(root, e), { recursive: true, force: true });
      }
    }
    try {
      mkdirSync(root, { recursive: true });
    } catch (e) {
      throw new Error(`cannot create output directory '${dir}': ${e instanceof Error ? e.message : String(e)}`);
    }
    return new RunDir(root);
  }

  /** Opens an existing run directory (for resume and reports). */
  static open(dir: string): RunDir {
    const root = resolve(dir);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`run directory '${dir}' does not exist`);
    return new RunDir(root);
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  /** The directory as given relative to the working directory, for messages. */
  display(): string {
    const rel = relative(process.cwd(), this.root);
    return rel && !rel.startsWith('..') ? rel : this.root;
  }

  writeJson(rel: string, value: unknown): void {
    writeFileAtomic(this.path(rel), JSON.stringify(value, null, 2) + '\n');
  }

  writeFile(rel: string, data: string | Uint8Array): void {
    writeFileAtomic(this.path(rel), data);
  }

  /** Appends one JSON line and flushes it to disk, so a killed run keeps every completed line. */
  appendJsonl(rel: string, value: unknown): void {
    const file = this.path(rel);
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, JSON.stringify(value) + '\n');
    const fd = openSync(file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The parsed JSON file, or undefined if there is none (a file that is not JSON is an error naming it). */
  readJsonIfExists(rel: string): unknown {
    const file = this.path(rel);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new Error(`${this.display()}/${rel} is not JSON`);
    }
  }

  /**
   * The parsed lines of a JSONL file ([] if it does not exist). A last line cut off by a kill
   * mid-append is dropped; a bad line anywhere else is an error naming it.
   */
  readJsonl(rel: string): Record<string, unknown>[] {
    const file = this.path(rel);
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n');
    const out: Record<string, unknown>[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line));
      } catch {
        const last = lines.slice(i + 1).every((l) => l.trim() === '');
        if (!last || line.endsWith('}')) throw new Error(`${this.display()}/${rel}: line ${i + 1} is not JSON`);
      }
    });
    return out;
  }
}
