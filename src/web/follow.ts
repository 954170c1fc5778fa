/**
 * Follows a run directory as it is written: the new lines of metrics.jsonl and pretrain.jsonl
 * (only the bytes added since the last look are read), new iteration GIFs, a rewritten learning
 * curve and a change of status. Polls every `intervalMs`: fs.watch misses renames on some file
 * systems, and a poll of two stats and a directory listing costs nothing beside training.
 */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { iterationGifs, parseJsonlText, runStatus, type RunStatus } from './runs.js';

export type RunEvent =
  | { type: 'metrics' | 'pretrain'; line: Record<string, unknown> }
  /** The file was replaced (a resumed run rewrites it): its lines come again from the first. */
  | { type: 'reset'; file: 'metrics' | 'pretrain' }
  | { type: 'gif'; name: string }
  | { type: 'curve'; mtime: number }
  /** live.gif (the latest training rollout, camera | decoded) was rewritten. */
  | { type: 'live'; mtime: number }
  | { type: 'status'; status: RunStatus };

interface Tail {
  kind: 'metrics' | 'pretrain';
  file: string;
  /** Bytes of the file consumed (complete lines and `rest`). */
  offset: number;
  ino: number;
  /** The bytes of an unfinished last line, kept as bytes so a character split between reads survives. */
  rest: Buffer;
}

export interface Follower {
  stop(): void;
}

/**
 * Calls `emit` with every line already in the files (oldest first), then with each change
 * until `stop()`. Errors reading the directory (removed, unreadable) are skipped and retried.
 */
export function followRun(dir: string, emit: (e: RunEvent) => void, intervalMs = 500): Follower {
  const tails: Tail[] = (['metrics', 'pretrain'] as const).map((kind) => ({ kind, file: join(dir, `${kind}.jsonl`), offset: 0, ino: -1, rest: Buffer.alloc(0) }));
  // GIFs already there are in the run's detail (GET /api/runs/:id); only newer ones are events.
  let gifs = new Set(iterationGifs(dir));
  let curve = -1;
  let live = -1;
  let status: RunStatus | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const readTail = async (t: Tail): Promise<void> => {
    let s;
    try {
      s = await stat(t.file);
    } catch {
      return; // Not written yet.
    }
    // Replaced (an atomic rewrite: a new inode) or cut shorter: everything again from the start.
    if ((t.ino !== -1 && s.ino !== t.ino) || s.size < t.offset) {
      t.offset = 0;
      t.rest = Buffer.alloc(0);
      emit({ type: 'reset', file: t.kind });
    }
    t.ino = s.ino;
    if (s.size === t.offset) return;
    const fh = await open(t.file, 'r');
    let chunk: Buffer;
    try {
      chunk = Buffer.alloc(s.size - t.offset);
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, t.offset);
      chunk = chunk.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
    t.offset += chunk.length;
    const bytes = Buffer.concat([t.rest, chunk]);
    const end = bytes.lastIndexOf(0x0a) + 1;
    t.rest = Buffer.from(bytes.subarray(end));
    for (const line of parseJsonlText(bytes.subarray(0, end).toString('utf8'))) emit({ type: t.kind, line });
  };

  const poll = async (): Promise<void> => {
    for (const t of tails) await readTail(t);
    const now = iterationGifs(dir);
    for (const g of now) if (!gifs.has(g)) emit({ type: 'gif', name: g });
    gifs = new Set(now);
    try {
      const m = (await stat(join(dir, 'learning-curve.svg'))).mtimeMs;
      if (m !== curve) emit({ type: 'curve', mtime: m });
      curve = m;
    } catch {
      // No curve yet.
    }
    try {
      const m = (await stat(join(dir, 'live.gif'))).mtimeMs;
      if (m !== live) emit({ type: 'live', mtime: m });
      live = m;
    } catch {
      // No rollout filmed yet.
    }
    const s = runStatus(dir);
    if (s !== status) emit({ type: 'status', status: s });
    status = s;
  };

  const loop = async (): Promise<void> => {
    try {
      await poll();
    } catch {
      // The directory changed under us (a file replaced mid-read): the next poll sees it whole.
    }
    if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
  };
  void loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
