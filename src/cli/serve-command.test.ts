import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { serveCommand } from './serve-command.js';

describe('solar serve', () => {
  it('refuses another address than localhost without a token, in one line', async () => {
    const err: string[] = [];
    const code = await main(['node', 'solar', 'serve', '--host', '0.0.0.0', '--port', '0'], { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^solar: error: serve: refusing to listen on 0\.0\.0\.0 without a token/);
  });

  it('serves the runs folder until stopped, at the address it prints', { timeout: 30_000 }, async () => {
    const out: string[] = [];
    const stop = new AbortController();
    const runs = mkdtempSync(join(tmpdir(), 'solar-serve-'));
    const job = serveCommand({ runs, port: 0 }, { out: (l) => out.push(l), err: () => {} }, stop.signal);
    while (out.length === 0) await new Promise((r) => setTimeout(r, 20));
    const url = /(http:\/\/\S+\/)/.exec(out[0])?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(`${url}api/runs`);
    expect(await r.json()).toEqual({ root: runs, runs: [] });
    stop.abort();
    expect(await job).toBe(0);
    expect(out.at(-1)).toBe('serve stopped');
  });
});
