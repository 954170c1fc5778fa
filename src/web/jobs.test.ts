import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnv } from '../envs/registry.js';
import { driveRandom, sameEpisode } from '../envs/test-helpers.js';
import { serveEnv } from '../remote/env-server.js';
import { connectRemoteEnv } from '../remote/remote-env.js';
import { nodeSocket } from '../remote/remote-tasks.js';
import { Jobs, LOG_LINES } from './jobs.js';
import { serveRuns, type RunsServer } from './server.js';

let root: string;
let server: RunsServer;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'solar-jobs-'));
  server = await serveRuns({ runs: root, port: 0, pollMs: 100 });
});
afterAll(() => server.close());

const api = (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  server.app.inject({ method, url, ...(body !== undefined ? { payload: body as object } : {}), headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } });

async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A viewer of the run's event stream over real HTTP: counts what it was sent. */
function viewer(id: string) {
  const seen = { metrics: 0, live: 0, statuses: [] as string[], ended: false, jobs: 0, logs: 0, log: [] as string[] };
  const req = request(`${server.url}api/runs/${encodeURIComponent(id)}/events`, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let k;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'metrics') seen.metrics++;
        if (event === 'live') seen.live++;
        if (event === 'status') seen.statuses.push(JSON.parse(data!).status);
        // The output as the page keeps it: the whole log with each job state, new lines in between.
        if (event === 'job') [seen.jobs, seen.log] = [seen.jobs + 1, JSON.parse(data!).log];
        if (event === 'log') [seen.logs, seen.log] = [seen.logs + 1, [...seen.log, ...JSON.parse(data!)].slice(-LOG_LINES)];
      }
    });
    res.on('end', () => (seen.ended = true));
  });
  req.on('error', () => (seen.ended = true));
  req.end();
  return { seen, close: () => req.destroy() };
}


describe('solar serve: runs started, stopped, resumed and labelled from the page', () => {
  it('checks what it is asked to start, and takes changes only from its own page', async () => {
    const bad: [object, RegExp][] = [
      [{ env: 'nope', method: 'solar', preset: 'quick', seed: 0 }, /unknown task 'nope': one of nav2d/],
      [{ env: 'nav2d', method: 'dreamer', preset: 'quick', seed: 0 }, /unknown method 'dreamer'/],
      [{ env: 'nav2d', method: 'solar', preset: 'fast', seed: 0 }, /unknown preset 'fast'/],
      [{ env: 'nav2d', method: 'solar', preset: 'quick', seed: -1 }, /seed: an integer from 0/],
      [{ env: 'nav2d', method: 'solar', preset: 'quick', seed: 0, label: 'human' }, /labels other than the task's are for sparse tasks \(try nav2d-sparse\)/],
      [{ env: 'nav2d-sparse', method: 'ppo', preset: 'quick', seed: 0, label: 'final' }, /apply to solar and vae, not ppo/],
      [{ env: 'nav2d-sparse', method: 'solar', preset: 'quick', seed: 0, label: 'oracle' }, /label: one of task, final, human/],
      [{ env: 'nav2d', method: 'solar', preset: 'quick', seed: 0, out: '/etc' }, /must NOT have additional properties/],
    ];
    for (const [body, want] of bad) {
      const r = await api('POST', '/api/jobs', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error).toMatch(want);
    }
    // Malformed requests: one line each, and the server goes on answering.
    const garbled = await server.app.inject({ method: 'POST', url: '/api/jobs', payload: '{"env": "nav2d", ', headers: { 'content-type': 'application/json' } });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json().error).toMatch(/JSON/i);
    expect((await api('POST', '/api/runs/x/labels', { iteration: 0, rollout: 'two', success: true })).statusCode).toBe(400);
    expect((await api('POST', '/api/runs/x/labels', { iteration: 0, rollout: 1, success: true })).json().error).toMatch(/not waiting for labels/);
    expect((await api('GET', '/api/runs/x/labels/0')).statusCode).toBe(404);
    const foreign = await api('POST', '/api/jobs', { env: 'nav2d', method: 'lqrflm', preset: 'quick', seed: 0 }, { origin: 'http://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect((await api("POST", "/api/runs/none/stop", {})).json().error).toMatch(/was not started by this server/);
    const options = (await api('GET', '/api/options')).json();
    expect(options.tasks).toContain('reacher-sparse');
    expect(options.labels).toEqual(['task', 'final', 'human']);
  });

  it('starts a human-labelled run, relays the labels, stops it resumable and resumes it; 12 viewers and an env client meanwhile', async () => {
    const start = await api('POST', '/api/jobs', { env: 'nav2d-sparse', method: 'solar', preset: 'quick', seed: 2, label: 'human' });
    expect(start.statusCode, start.body).toBe(200);
    const id = start.json().id as string;
    expect(id).toBe('train-nav2d-sparse-solar-s2-human');
    const job = async () => (await api('GET', `/api/runs/${id}/job`)).json();
    const asked = async (iteration: number) => until(`the question of iteration ${iteration}`, async () => {
      const j = await job();
      return j.labels?.iteration === iteration ? j.labels : null;
    });
    const sent: boolean[][] = [[], [], []];
    const label = async (iteration: number, rollout: number) => {
      const success = (iteration + rollout) % 3 === 0;
      sent[iteration][rollout] = success;
      const r = await api('POST', `/api/runs/${id}/labels`, { iteration, rollout, success });
      expect(r.statusCode, r.body).toBe(200);
    };

    const q0 = await asked(0);
    expect(q0.rollouts).toHaveLength(8);
    const png = await api('GET', `/api/runs/${id}/labels/0`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    for (let n = 0; n < 3; n++) await label(0, n);
    expect((await api('POST', `/api/runs/${id}/labels`, { iteration: 0, done: true })).json().error).toMatch(/5 rollouts of iteration 0 have no label yet/);
    expect((await api('POST', `/api/runs/${id}/labels`, { iteration: 4, rollout: 0, success: true })).json().error).toMatch(/asks about iteration 0, not 4/);
    // The three labels are saved by the run as they come.
    await until('3 labels saved', async () => (await job()).labels?.saved === 3);

    // Stop (Ctrl-C): exit 130, the run stopped and resumable.
    expect((await api('POST', `/api/runs/${id}/stop`, {})).statusCode).toBe(200);
    const stopped = await until('the run to exit', async () => {
      const j = await job();
      return j.running ? null : j;
    });
    expect(stopped.exit_code).toBe(130);
    expect((await api('GET', `/api/runs/${id}`)).json().status).toBe('stopped');
    expect(readFileSync(join(root, id, 'labels.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect((await api('POST', `/api/runs/${id}/stop`, {})).statusCode).toBe(409);

    // Resume: the question comes back with the three labels given.
    expect((await api('POST', `/api/runs/${id}/resume`, {})).statusCode).toBe(200);
    expect((await api('POST', `/api/runs/${id}/resume`, {})).json().error).toMatch(/is running/);
    const viewers = Array.from({ length: 12 }, () => viewer(id));
    // One env client stepping a served task meanwhile gets the local task's steps.
    const envServer = await serveEnv({ env: 'nav2d', port: 0 });
    const remote = await connectRemoteEnv(envServer.url, { socket: nodeSocket });
    const stepping = driveRandom(remote, 7, 300);

    const again = await asked(0);
    expect(again.labels).toEqual([...sent[0], null, null, null, null, null]);
    for (let n = 3; n < 8; n++) await label(0, n);
    expect((await api('POST', `/api/runs/${id}/labels`, { iteration: 0, done: true })).statusCode).toBe(200);
    for (const it of [1, 2]) {
      await asked(it);
      for (let n = 0; n < 8; n++) await label(it, n);
      expect((await api('POST', `/api/runs/${id}/labels`, { iteration: it, done: true })).statusCode).toBe(200);
    }
    const done = await until('the run to finish', async () => {
      const j = await job();
      return j.running ? null : j;
    });
    expect(done.exit_code, done.log.join('\n')).toBe(0);
    const labels = readFileSync(join(root, id, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(labels.map((l) => [l.iteration, l.rollout, l.success, l.by])).toEqual(sent.flatMap((s, it) => s.map((v, n) => [it, n, v, 'person'])));
    const successLabels = readFileSync(join(root, id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).success_labels);
    expect(successLabels).toEqual(sent.map((s) => s.filter(Boolean).length));

    // Every viewer saw every iteration and the end.
    await until('the viewers to see the end', async () => viewers.every((v) => v.seen.statuses.at(-1) === 'finished'), 10_000);
    // The latest rollout (camera | decoded) is filmed as the run goes.
    expect(readFileSync(join(root, id, 'live.gif')).subarray(0, 6).toString()).toBe('GIF89a');
    // The output adds up to the server's, though it came as new lines (a job state only on connecting and at the exit).
    const log = (await job()).log;
    await until("the viewers' output to add up", async () => viewers.every((v) => JSON.stringify(v.seen.log) === JSON.stringify(log)), 10_000);
    for (const v of viewers) {
      expect(v.seen.metrics).toBe(3);
      expect(v.seen.jobs).toBeLessThanOrEqual(2);
      expect(v.seen.logs).toBeGreaterThanOrEqual(3);
      expect(v.seen.live).toBeGreaterThanOrEqual(1);
      v.close();
    }
    const local = await makeEnv('nav2d');
    expect(sameEpisode(await stepping, await driveRandom(local, 7, 300))).toBe(true);
    local.close();
    remote.close();
    await envServer.close();
  }, 300_000);
});

describe('a job\'s output', () => {
  it('keeps whole lines however the pipe cuts them, mid-line and mid-character', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'solar-jobs-split-'));
    // A stand-in for `solar train` that writes its lines in pieces, one cut inside the 3-byte '✓'.
    const script = join(dir, 'split.mjs');
    writeFileSync(script, [
      "const b = Buffer.from('half a line ✓ done\\nsecond\\n');",
      "const cut = b.indexOf(Buffer.from('✓')) + 1;",
      "const pause = () => new Promise((r) => setTimeout(r, 60));",
      "for (const part of [b.subarray(0, 6), b.subarray(6, cut), b.subarray(cut)]) { process.stdout.write(part); await pause(); }",
      "process.exit(0);",
    ].join('\n'));
    const jobs = new Jobs(dir, script);
    const id = jobs.start({ env: 'nav2d', method: 'lqrflm', preset: 'quick', seed: 0 });
    const lines: string[] = [];
    jobs.subscribe(id, (e) => { if (e.type === 'log') lines.push(...e.lines); });
    const state = await until('the stand-in to exit', async () => { const s = jobs.state(id); return s.running ? null : s; }, 20_000);
    expect(state.exit_code).toBe(0);
    await until('its last line', async () => lines.length >= 2, 5_000);
    expect(lines).toEqual(['half a line ✓ done', 'second']);
    expect(jobs.state(id).log).toEqual(['half a line ✓ done', 'second']);
  });
});
