import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../run/train-run.js';
import { resolveRunId } from './runs.js';
import { buildServer, serveRuns } from './server.js';

const BAD_IDS = ['..', '../quick', 'quick/..', 'compare-x/../quick', '/etc', '/tmp', 'a//b', '.', '.lock', 'quick\\..', 'quick\u0000'];

/** A pid no process has (above Linux's largest pid_max): a lock left by a killed run. */
const DEAD_PID = 2 ** 31 - 2;

let root: string;
let quick: { dir: string; summary: { mean_final_distance: number } };
const metricsOf = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** A run directory written by hand, as a job writes one (docs/run-directory.md). */
function fakeRun(dir: string, opts: { lock?: number; lines?: object[]; summary?: object } = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ command: 'train', seed: 3, method: 'solar', obs: 'pixels', preset: 'quick', env: { name: 'reacher' } }));
  writeFileSync(join(dir, 'metrics.jsonl'), (opts.lines ?? []).map((l) => JSON.stringify(l) + '\n').join(''));
  if (opts.lock !== undefined) writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: opts.lock, hostname: hostname(), started: '2026-01-01T00:00:00Z', thread: 0, token: 'x' }));
  if (opts.summary) writeFileSync(join(dir, 'summary.json'), JSON.stringify(opts.summary));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'solar-web-'));
  quick = await train({ env: 'nav2d', method: 'lqrflm', obs: 'state', preset: 'quick', out: join(root, 'quick') });
  // A compare folder holds its runs one level down; one is being written (this process holds its lock), one was killed.
  fakeRun(join(root, 'compare-x/runs/live'), { lock: process.pid, lines: [{ iteration: 0, mean_final_distance: 1 }] });
  fakeRun(join(root, 'compare-x/runs/killed'), { lock: DEAD_PID, lines: [{ iteration: 0 }, { iteration: 1 }] });
  mkdirSync(join(root, 'compare-x/runs/live/rollouts'));
  writeFileSync(join(root, 'compare-x/runs/live/rollouts/iter-000.gif'), 'GIF89a-first');
  // Outside the folder: a run that must not be reachable, also not through a link inside it.
  const outside = mkdtempSync(join(tmpdir(), 'solar-web-outside-'));
  fakeRun(join(outside, 'secret'), { summary: { mean_final_distance: 0 } });
  symlinkSync(join(outside, 'secret'), join(root, 'link'));
}, 120_000);

describe('solar serve API', () => {
  let app: FastifyInstance;
  beforeAll(() => {
    app = buildServer({ runs: root });
  });
  afterAll(() => app.close());

  it('lists every run directory with its task, method, status, iterations and final distance', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/runs' });
    expect(r.statusCode).toBe(200);
    const runs = r.json().runs as Record<string, unknown>[];
    expect(runs.map((x) => x.id)).toEqual(['compare-x/runs/killed', 'compare-x/runs/live', 'quick']);
    const q = runs.find((x) => x.id === 'quick')!;
    const config = JSON.parse(readFileSync(join(quick.dir, 'config.json'), 'utf8'));
    expect(q).toMatchObject({ name: 'quick', method: 'lqrflm', task: 'nav2d', seed: config.seed, preset: 'quick', status: 'finished', iterations: metricsOf(quick.dir).length });
    expect(q.final_distance).toBe(quick.summary.mean_final_distance);
    expect(runs.find((x) => x.id === 'compare-x/runs/live')).toMatchObject({ status: 'running', iterations: 1, task: 'reacher', seed: 3 });
    expect(runs.find((x) => x.id === 'compare-x/runs/killed')).toMatchObject({ status: 'stopped', iterations: 2 });
    expect(runs.find((x) => x.id === 'compare-x/runs/killed')).not.toHaveProperty('final_distance');
  });

  it("gives a run's config, summary and metrics lines, by its path relative to the folder", async () => {
    const r = await app.inject({ method: 'GET', url: '/api/runs/quick' });
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d.config).toEqual(JSON.parse(readFileSync(join(quick.dir, 'config.json'), 'utf8')));
    expect(d.summary).toEqual(JSON.parse(readFileSync(join(quick.dir, 'summary.json'), 'utf8')));
    expect(d.metrics).toEqual(metricsOf(quick.dir));
    expect(d.pretrain).toEqual([]);
    const nested = await app.inject({ method: 'GET', url: `/api/runs/${encodeURIComponent('compare-x/runs/live')}` });
    expect(nested.statusCode).toBe(200);
    expect(nested.json().files.iteration_gifs).toEqual(['iter-000.gif']);
  });

  it("serves the run's learning curve and GIFs, and only those names", async () => {
    const svg = await app.inject({ method: 'GET', url: '/api/runs/quick/file/learning-curve.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toBe(readFileSync(join(quick.dir, 'learning-curve.svg'), 'utf8'));
    const gif = await app.inject({ method: 'GET', url: `/api/runs/${encodeURIComponent('compare-x/runs/live')}/file/iter-000.gif` });
    expect(gif.statusCode).toBe(200);
    expect(gif.body).toBe('GIF89a-first');
    for (const name of ['config.json', 'policy.ckpt', '..%2Fsummary.json', '.lock']) {
      const r = await app.inject({ method: 'GET', url: `/api/runs/quick/file/${name}` });
      expect(r.statusCode, name).toBe(400);
    }
    expect((await app.inject({ method: 'GET', url: '/api/runs/quick/file/watch.gif' })).statusCode).toBe(404);
  });

  it('refuses ids that leave the folder: .., absolute paths, links out', async () => {
    for (const id of BAD_IDS) expect(() => resolveRunId(root, id), id).toThrow(expect.objectContaining({ status: 400 }));
    // Whole '.' and '..' ids (even as %2E) are dot segments to inject's URL parser: sent raw over HTTP below.
    for (const id of BAD_IDS.filter((i) => i !== '.' && i !== '..')) {
      const r = await app.inject({ method: 'GET', url: `/api/runs/${encodeURIComponent(id)}` });
      expect(r.statusCode, id).toBe(400);
      expect(Object.keys(r.json())).toEqual(['error']);
    }
    // Outside the folder through a link, or not a run: 404 (the link also is not listed).
    for (const id of ['link', 'nothing', 'compare-x', 'quick/checkpoints']) {
      expect((await app.inject({ method: 'GET', url: `/api/runs/${encodeURIComponent(id)}` })).statusCode, id).toBe(404);
    }
    // Dot segments in the URL itself are resolved before routing: nothing of a run comes back.
    for (const url of ['/api/runs/..', '/api/runs/../../etc/passwd', '/api/runs/quick/file/../../../etc/passwd']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(Object.keys(r.json()), url).toEqual(['error']);
    }
    expect((await app.inject({ method: 'GET', url: `/api/runs/${encodeURIComponent(join(root, 'quick'))}/events` })).statusCode).toBe(400);
  });

  it('answers a malformed request with a one-line JSON error and keeps answering', async () => {
    const cases: [string, number][] = [['/api/runs/%E0%A4%A', 400], ['/api/runs/%00', 400], ['/api/runs/quick/file/%ZZ', 400], [`/api/runs/${'a'.repeat(600)}`, 414]];
    for (const [url, status] of cases) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(status);
      expect(r.body.split('\n')).toHaveLength(1);
    }
    expect((await app.inject({ method: 'GET', url: '/api/nothing' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/runs' })).statusCode).toBe(200);
  });

  it('serves the page with nothing loaded from elsewhere', async () => {
    const r = await app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('EventSource');
    expect(r.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

/** Reads a server-sent event stream; `next(type)` waits for the next event of that type. */
function events(url: string) {
  const queue: { event: string; data: string }[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  const req = request(url, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) queue.push({ event, data });
        waiters.splice(0).forEach((w) => w());
      }
    });
  });
  req.end();
  const next = async (type: string): Promise<unknown> => {
    for (;;) {
      const k = queue.findIndex((e) => e.event === type);
      if (k >= 0) return JSON.parse(queue.splice(0, k + 1).at(-1)!.data);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { next, close: () => req.destroy() };
}

describe('solar serve over HTTP', () => {
  it('streams the lines appended to metrics.jsonl after connecting, and a new GIF', { timeout: 30_000 }, async () => {
    const server = await serveRuns({ runs: root, port: 0, pollMs: 50 });
    const id = encodeURIComponent('compare-x/runs/live');
    const s = events(`${server.url}api/runs/${id}/events`);
    try {
      expect(await s.next('start')).toEqual({ id: 'compare-x/runs/live' });
      expect(await s.next('metrics')).toEqual({ iteration: 0, mean_final_distance: 1 });
      expect(await s.next('status')).toEqual({ status: 'running' });
      const line = { iteration: 1, mean_final_distance: 0.5, note: 'é' };
      appendFileSync(join(root, 'compare-x/runs/live/metrics.jsonl'), JSON.stringify(line) + '\n');
      expect(await s.next('metrics')).toEqual(line);
      // A line caught half-written (cut inside the two bytes of 'é'): sent once it is whole. The GIF
      // is seen by the same poll after the metrics file was read, so the cut is looked at for sure.
      const bytes = Buffer.from(JSON.stringify({ iteration: 2, note: 'é' }) + '\n');
      const cut = bytes.indexOf(Buffer.from('é')) + 1;
      appendFileSync(join(root, 'compare-x/runs/live/metrics.jsonl'), bytes.subarray(0, cut));
      writeFileSync(join(root, 'compare-x/runs/live/rollouts/iter-001.gif'), 'GIF89a-second');
      expect(await s.next('gif')).toEqual({ name: 'iter-001.gif' });
      appendFileSync(join(root, 'compare-x/runs/live/metrics.jsonl'), bytes.subarray(cut));
      expect(await s.next('metrics')).toEqual({ iteration: 2, note: 'é' });
      // A resumed run rewrites the file (shorter here): everything again from the first line.
      writeFileSync(join(root, 'compare-x/runs/live/metrics.jsonl'), JSON.stringify({ iteration: 0, again: true }) + '\n');
      expect(await s.next('reset')).toEqual({ file: 'metrics' });
      expect(await s.next('metrics')).toEqual({ iteration: 0, again: true });
    } finally {
      s.close();
      await server.close();
    }
  });

  it('refuses every bad id sent as is over HTTP, and keeps answering', { timeout: 30_000 }, async () => {
    const server = await serveRuns({ runs: root, port: 0 });
    // Node's HTTP server hands the path over unnormalised: %2E%2E reaches the route as the id '..'.
    const get = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', reject).end();
    });
    try {
      for (const id of BAD_IDS) {
        const raw = `/api/runs/${encodeURIComponent(id).replace(/\./g, '%2E')}`;
        for (const path of [raw, `${raw}/events`, `${raw}/file/learning-curve.svg`]) {
          const r = await get(path);
          expect(r.status, path).toBe(400);
          expect(Object.keys(JSON.parse(r.body)), path).toEqual(['error']);
        }
      }
      expect((await get('/api/runs/%E0%A4%A')).status).toBe(400);
      expect((await get('/api/runs/quick')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('binds beyond localhost only with a token, then requires it of every request', { timeout: 30_000 }, async () => {
    await expect(serveRuns({ runs: root, host: '0.0.0.0', port: 0 })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without a token/);
    const token = 'secret-token-123';
    const server = await serveRuns({ runs: root, host: '0.0.0.0', port: 0, token });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/api/runs`)).status).toBe(401);
      expect((await fetch(`${base}/`)).status).toBe(401);
      expect((await fetch(`${base}/api/runs?token=wrong-token-123`)).status).toBe(401);
      expect((await fetch(`${base}/api/runs/quick/events`)).status).toBe(401);
      const ok = await fetch(`${base}/api/runs?token=${token}`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { runs: unknown[] }).runs).toHaveLength(3);
      expect((await fetch(`${base}/api/runs/quick`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
