/**
 * The run directory (see docs/run-directory.md): every file is written whole or not at all
 * (temporary name, then rename), and JSONL metrics are appended line by line and flushed.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { TensorBoardLog } from './tensorboard.js';
import { isMainThread, threadId } from 'node:worker_threads';

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
  /** Where the one-line notice goes when a dead writer's lock is taken over (default: stderr). */
  onNotice?(line: string): void;
  /** The command continues a stopped run with `--resume DIR`: refusing a run directory names it. */
  resumable?: boolean;
}

/** The writer's lock file in a run directory: one process writes a run at a time. */
export const LOCK_FILE = '.lock';

/** What `.lock` holds: who writes the directory (token: this lock's own, so a release never removes another's). */
interface LockInfo {
  pid: number;
  hostname: string;
  started: string;
  thread: number;
  token: string;
}

/** Locks this thread holds: released on exit, and on SIGINT/SIGTERM when nothing else handles those. */
const held = new Map<string, string>();
let lockCounter = 0;

function releaseHeld(): void {
  for (const [file, token] of held) releaseLockFile(file, token);
  held.clear();
}

/** Removes `file` if it is still the lock with `token` (a taken-over lock belongs to its new holder). */
function releaseLockFile(file: string, token: string): void {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as LockInfo).token === token) rmSync(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Another handler (e.g. one that finishes the iteration first) decides when to stop; the
  // 'exit' listener releases the locks then. Alone, release and die of the signal as Node would.
  if (process.listenerCount(signal) > 1) return;
  releaseHeld();
  uninstallHandlers();
  process.kill(process.pid, signal);
}
const signalHandlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

function installHandlers(): void {
  process.on('exit', releaseHeld);
  // Signals reach the main thread only; a worker's locks go with its 'exit' or, if the whole
  // process is killed, are taken over as a dead process's by the next writer.
  if (isMainThread) for (const [s, h] of Object.entries(signalHandlers)) process.on(s, h);
}

function uninstallHandlers(): void {
  process.off('exit', releaseHeld);
  if (isMainThread) for (const [s, h] of Object.entries(signalHandlers)) process.off(s, h);
}

/** Whether process `pid` on this host is alive (EPERM: alive, someone else's). */
function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(v.pid) && v.pid > 0 && typeof v.hostname === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Whether a process writes the run in `root` now: a lock whose writer is alive (one of another host cannot be checked, and counts). */
export function runDirLocked(root: string): boolean {
  const lock = readLock(join(root, LOCK_FILE));
  return lock !== null && (lock.hostname !== hostname() || pidAlive(lock.pid));
}

/**
 * Takes the writer's lock of `root` (created with O_EXCL, so of two writers exactly one gets
 * it); a lock whose process is dead on this host is taken over with a notice. Returns the token.
 */
function acquireLock(root: string, display: string, onNotice: (line: string) => void): string {
  const file = join(root, LOCK_FILE);
  const token = `${process.pid}-${threadId}-${Date.now()}-${lockCounter++}`;
  const info: LockInfo = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), thread: threadId, token };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(info) + '\n', { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw new Error(`cannot lock run directory '${display}': ${e instanceof Error ? e.message : String(e)}`);
    }
    const other = readLock(file);
    if (other === null) {
      // Being written this instant by its creator (or garbage): look once more before refusing.
      if (attempt < 2) continue;
      throw new Error(`run directory '${display}' has an unreadable ${LOCK_FILE}: if no solar process writes it, delete ${join(display, LOCK_FILE)}`);
    }
    const mine = other.hostname === info.hostname;
    if (!mine) throw new Error(`run directory '${display}' is locked by pid ${other.pid} on host ${other.hostname} (since ${other.started}); if that process is gone, delete ${join(display, LOCK_FILE)}`);
    if (pidAlive(other.pid)) throw new Error(`run directory '${display}' is being written by pid ${other.pid} (since ${other.started}); wait for it to finish or stop it (one writer per run directory)`);
    // A dead writer's lock: move it aside atomically, so of two processes taking it over one does.
    try {
      renameSync(file, `${file}.stale-${token}`);
      rmSync(`${file}.stale-${token}`, { force: true });
      onNotice(`notice: took over the lock of '${display}' from pid ${other.pid}, which is no longer running (started ${other.started})`);
    } catch {
      // Another process took it over first: try again, and meet its lock.
    }
  }
  if (held.size === 0) installHandlers();
  held.set(file, token);
  return token;
}

/** A task's name as part of a directory name: a remote task's URL by its host and port (no slashes, no token). */
export function taskDirName(env: string): string {
  return env.replace(/^wss?:\/\/([^/?#]*).*$/, 'remote-$1').replace(/[^\w.-]+/g, '-');
}

/** Default directory name: runs/<command>-<task>-<method>-s<seed>; a suffix -2, -3… avoids clobbering. */
export function defaultRunDir(parts: { command: string; env?: string; method?: string; seed: number }, root = 'runs'): string {
  const env = parts.env === undefined ? undefined : taskDirName(parts.env);
  const base = join(root, [parts.command, env, parts.method, `s${parts.seed}`].filter(Boolean).join('-'));
  let dir = base;
  for (let k = 2; existsSync(dir) && readdirSync(dir).length > 0; k++) dir = `${base}-${k}`;
  return dir;
}

const stderrNotice = (line: string) => void process.stderr.write(`${line}\n`);

export class RunDir {
  private lockToken: string | null = null;

  private constructor(readonly root: string) {}

  /**
   * Opens `dir` for a new run and takes its writer's lock (`release()` gives it back; exit and
   * SIGINT/SIGTERM do too). Errors when it is a file, when another live process writes it, or
   * when it is a non-empty directory (unless `force` and it is a run directory, whose contents
   * are then removed).
   */
  static create(dir: string, opts: OpenOptions = {}): RunDir {
    const root = resolve(dir);
    if (existsSync(root) && !statSync(root).isDirectory()) throw new Error(`output path '${dir}' exists and is a file, not a directory`);
    try {
      mkdirSync(root, { recursive: true });
    } catch (e) {
      throw new Error(`cannot create output directory '${dir}': ${e instanceof Error ? e.message : String(e)}`);
    }
    // The lock first: a run being written is refused by its holder's pid, never cleared by --force.
    const run = new RunDir(root);
    run.lockToken = acquireLock(root, dir, opts.onNotice ?? stderrNotice);
    try {
      const entries = readdirSync(root).filter((e) => e !== LOCK_FILE);
      if (entries.length > 0) {
        if (!opts.force && opts.resumable && entries.includes('config.json')) throw new Error(`output directory '${dir}' already holds a run: continue it with --resume ${dir}, replace it with --force, or choose another --out`);
        if (!opts.force) throw new Error(`output directory '${dir}' is not empty; choose another --out, or pass --force to replace a previous run there`);
        if (!entries.includes('config.json')) throw new Error(`refusing to clear '${dir}' with --force: it does not look like a run directory (no config.json)`);
        for (const e of entries) rmSync(join(root, e), { recursive: true, force: true });
      }
    } catch (e) {
      run.release();
      throw e;
    }
    return run;
  }

  /** Opens an existing run directory to read it (reports, compare's reuse check): no lock. */
  static open(dir: string): RunDir {
    const root = resolve(dir);
    if (!existsSync(root)) throw new Error(`run directory '${dir}' does not exist`);
    if (!statSync(root).isDirectory()) throw new Error(`'${dir}' is a file, not a run directory`);
    return new RunDir(root);
  }

  /** Opens an existing run directory to write into it (resume, eval), taking its writer's lock. */
  static openForWriting(dir: string, opts: Pick<OpenOptions, 'onNotice'> = {}): RunDir {
    const run = RunDir.open(dir);
    run.lockToken = acquireLock(run.root, dir, opts.onNotice ?? stderrNotice);
    return run;
  }

  /** Gives back the writer's lock (no-op when not held); the directory stays readable. */
  release(): void {
    if (this.lockToken === null) return;
    const file = join(this.root, LOCK_FILE);
    releaseLockFile(file, this.lockToken);
    held.delete(file);
    this.lockToken = null;
    if (held.size === 0) uninstallHandlers();
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

  /** This object's TensorBoard events file (a resumed run, a new RunDir, starts another). */
  private tensorboard?: TensorBoardLog;

  /**
   * Appends one JSON line and flushes it to disk, so a killed run keeps every completed line;
   * a metrics.jsonl or pretrain.jsonl line also goes to the TensorBoard events file.
   */
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
    (this.tensorboard ??= new TensorBoardLog(this.root)).addJsonlLine(rel, value);
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
