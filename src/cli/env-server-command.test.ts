import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEnv, registerEnv } from '../envs/registry.js';
import { serveEnv, type EnvServer } from '../remote/env-server.js';
import { connectRemoteEnv } from '../remote/remote-env.js';
import { nodeSocket } from '../remote/remote-tasks.js';
import { envServerCommand } from './env-server-command.js';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-remote-'));
const servers: EnvServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function serve(env = 'nav2d', port = 0): Promise<EnvServer> {
  const s = await serveEnv({ env, port });
  servers.push(s);
  return s;
}

/** metrics.jsonl without its wall-clock fields (`*_s`): what must not depend on where the task runs. */
function metrics(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => Object.fromEntries(Object.entries(JSON.parse(l)).filter(([k]) => !k.endsWith('_s'))));
}
function config(dir: string): Record<string, unknown> {
  const { env, ...rest } = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  return { ...rest, env: { name: env.name, render: env.render } };
}

// A remote task takes no row of presets.ts: these give it nav2d's (train-config.ts, trainDefaults).
const NAV2D_ROWS = {
  solar: ['agent.cost_convex=true', 'model.latent_dim=6', 'model.dynamics=shared', 'model.cost_head=true'],
  lqrflm: ['agent.cost=known'],
};

describe('solar train --env ws://… (a task served by solar env-server)', () => {
  for (const method of ['solar', 'lqrflm'] as const) {
    it(`${method}: the same metrics.jsonl as the local task at the same seed`, async () => {
      const server = await serve();
      const local = join(tmp(), 'local'), remote = join(tmp(), 'remote');
      const common = ['--method', method, '--preset', 'quick', '--seed', '3', '--set', 'output.gif_episodes=0'];
      const l = await run('train', '--env', 'nav2d', ...common, '--out', local);
      expect(l.err).toBe('');
      const r = await run('train', '--env', server.url, ...common, '--out', remote, ...NAV2D_ROWS[method].flatMap((s) => ['--set', s]));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(config(remote)).toEqual({ ...config(local), env: { name: server.url, render: method === 'solar' } });
      expect(metrics(remote).length).toBeGreaterThan(1);
      expect(metrics(remote)).toEqual(metrics(local));
      // Every env the run made was closed (the server sees the close handshake shortly after).
      for (let k = 0; k < 100 && server.connections() > 0; k++) await new Promise((res) => setTimeout(res, 20));
      expect(server.connections()).toBe(0);
    });
  }

  it('names an unreachable server before making a run directory', async () => {
    const gone = await serve();
    await gone.close();
    servers.pop();
    const out = join(tmp(), 'never');
    const r = await run('train', '--env', gone.url, '--method', 'lqrflm', '--preset', 'quick', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^solar: error: remote env ${gone.url}: cannot connect: connect ECONNREFUSED [^\\n]*$`));
    expect(existsSync(out)).toBe(false);
  });

  it('a run that loses its server fails with one line and resumes once the server is back', async () => {
    // Serves nav2d and stops answering for good (the server closing) at the 1,700th step: past
    // the learning curve's 20 random-policy episodes (1,000 steps) and iteration 0 (500), mid iteration 1.
    let steps = 0;
    let flaky: EnvServer | null = null;
    registerEnv({
      name: 'flaky-nav2d',
      create: async (p) => {
        const env = await makeEnv('nav2d', p);
        return {
          spec: env.spec,
          reset: (s) => env.reset(s),
          step: (a) => {
            if (++steps < 1700) return env.step(a);
            void flaky!.close();
            return new Promise<never>(() => {});
          },
          close: () => env.close(),
        };
      },
    });
    flaky = await serve('flaky-nav2d');
    const port = flaky.port;
    const dir = join(tmp(), 'run'), local = join(tmp(), 'local');
    const common = ['--method', 'lqrflm', '--preset', 'quick', '--seed', '4', '--set', 'output.gif_episodes=0'];
    const r = await run('train', '--env', flaky.url, ...common, '--set', 'agent.cost=known', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^solar: error: remote env ${flaky.url}: step \\d+ \\(episode of seed \\d+\\): the connection was lost \\(code 1006\\)$`));
    servers.splice(servers.indexOf(flaky), 1);
    expect(metrics(dir).map((l) => l.iteration)).toEqual([0]);
    // Still down: the resume names the server; back up on the same port, it completes.
    expect((await run('train', '--resume', dir)).err).toMatch(/^solar: error: remote env .*: cannot connect: connect ECONNREFUSED/);
    await serve('nav2d', port);
    const resumed = await run('train', '--resume', dir);
    expect(resumed.err).toBe('');
    expect(resumed.out).toMatch(/^resuming lqrflm on ws:/);
    expect(resumed.code).toBe(0);
    expect((await run('train', '--env', 'nav2d', ...common, '--out', local)).code).toBe(0);
    expect(metrics(dir)).toEqual(metrics(local));
  });
});

describe('solar env-server', () => {
  it('refuses a non-loopback address without a token', async () => {
    const r = await run('env-server', '--env', 'nav2d', '--host', '0.0.0.0', '--port', '0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^solar: error: env-server: refusing to listen on 0\.0\.0\.0 without a token: .*give --token T/);
    expect((await run('env-server', '--env', 'nav2d', '--port', '0', '--set', 'env.horizont=5')).err).toMatch(/^solar: error: unknown config key 'env.horizont'; known keys: env.channels/);
  });

  it('prints its URL and serves the task with its --set parameters until stopped', async () => {
    const out: string[] = [];
    const stop = new AbortController();
    const served = envServerCommand({ env: 'nav2d', port: 0, set: ['env.horizon=7', 'env.image_size=16'] }, { out: (l) => out.push(l), err: () => {} }, stop.signal);
    for (let k = 0; k < 200 && out.length < 2; k++) await new Promise((res) => setTimeout(res, 10));
    const url = /at (ws:\/\/127\.0\.0\.1:\d+\/)$/.exec(out[0])?.[1];
    expect(out[0]).toMatch(/^serving 'nav2d' \(16×16×2 images, 2-D actions, horizon 7\) at ws:/);
    const env = await connectRemoteEnv(url!, { socket: nodeSocket });
    expect(env.spec.horizon).toBe(7);
    expect((await env.reset(0)).observation.length).toBe(16 * 16 * 2);
    env.close();
    stop.abort();
    expect(await served).toBe(0);
    expect(out.at(-1)).toBe('env-server stopped');
  });
});
