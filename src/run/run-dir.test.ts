import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, RunDir } from './run-dir.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'run-dir-'));
const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; hostname: string };
const writeLock = (dir: string, pid: number, host = hostname()) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: host, started: '2026-01-01T00:00:00.000Z', thread: 0, token: `t-${pid}` }));

describe('the run directory lock: one writer', () => {
  it('a second writer of the same directory is refused by the holder pid until the first releases', () => {
    const dir = join(tmp(), 'run');
    const first = RunDir.create(dir);
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, hostname: hostname() });
    const refusal = new RegExp(`^run directory '.*run' is being written by pid ${process.pid} \\(since .*\\); wait for it to finish or stop it \\(one writer per run directory\\)$`);
    expect(() => RunDir.create(dir, { force: true })).toThrow(refusal);
    expect(() => RunDir.openForWriting(dir)).toThrow(refusal);
    // Readers need no lock.
    expect(RunDir.open(dir).root).toBe(first.root);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const second = RunDir.openForWriting(dir);
    expect(lockOf(dir).pid).toBe(process.pid);
    second.release();
    first.release(); // twice: no-op, and it does not remove another holder's lock
  });

  it("refuses while another live process holds it, and takes a dead process's lock over with a notice", async () => {
    const dir = join(tmp(), 'run');
    mkdirSync(dir);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    try {
      writeLock(dir, pid);
      expect(() => RunDir.openForWriting(dir)).toThrow(new RegExp(`is being written by pid ${pid} \\(since 2026-01-01T00:00:00.000Z\\)`));
      expect(lockOf(dir).pid).toBe(pid);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // The pid is now dead (a finished process's pid: reused only after the kernel wraps around).
    const notices: string[] = [];
    const taken = RunDir.openForWriting(dir, { onNotice: (l) => notices.push(l) });
    expect(notices).toEqual([`notice: took over the lock of '${dir}' from pid ${pid}, which is no longer running (started 2026-01-01T00:00:00.000Z)`]);
    expect(lockOf(dir).pid).toBe(process.pid);
    taken.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('a dead pid from spawnSync, in RunDir.create: taken over; a lock from another host is refused with how to clear it', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const dir = join(tmp(), 'run');
    mkdirSync(dir);
    writeLock(dir, Number(dead.stdout));
    const notices: string[] = [];
    const run = RunDir.create(dir, { onNotice: (l) => notices.push(l) });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`from pid ${dead.stdout}, which is no longer running`);
    run.release();
    writeLock(dir, 1, 'elsewhere');
    expect(() => RunDir.create(dir)).toThrow(`run directory '${dir}' is locked by pid 1 on host elsewhere (since 2026-01-01T00:00:00.000Z); if that process is gone, delete ${join(dir, LOCK_FILE)}`);
  });

  it('a failed create gives its lock back; a file is not a run directory', () => {
    const dir = join(tmp(), 'run');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(() => RunDir.create(dir)).toThrow(/is not empty/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(() => RunDir.open(join(dir, 'notes.txt'))).toThrow(`'${join(dir, 'notes.txt')}' is a file, not a run directory`);
    expect(() => RunDir.open(join(dir, 'none'))).toThrow(/does not exist/);
  });
});
