import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeEnv, registerEnv } from '../envs/registry.js';
import { driveRandom, sameEpisode } from '../envs/test-helpers.js';
import type { Env } from '../envs/types.js';
import { serveEnv, type EnvServer } from './env-server.js';
import { LIMITS, PROTOCOL_VERSION } from './protocol.js';
import { connectRemoteEnv } from './remote-env.js';
import { nodeSocket } from './remote-tasks.js';

const servers: EnvServer[] = [];
const envs: Env[] = [];
afterEach(async () => {
  for (const e of envs.splice(0)) e.close();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(opts: Partial<Parameters<typeof serveEnv>[0]> = {}): Promise<EnvServer> {
  const s = await serveEnv({ env: 'nav2d', port: 0, ...opts });
  servers.push(s);
  return s;
}
async function connect(url: string, opts: Parameters<typeof connectRemoteEnv>[1] = {}): Promise<Env> {
  const e = await connectRemoteEnv(url, { socket: nodeSocket, ...opts });
  envs.push(e);
  return e;
}


/** A raw protocol client: sends text or bytes, reads the next text message (and the image after a time step). */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  const inbox: (string | Buffer)[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d, isBinary) => {
    inbox.push(isBinary ? (d as Buffer) : d.toString());
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<number>((res) => ws.on('close', (code) => res(code)));
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  const next = async (): Promise<string | Buffer> => {
    while (inbox.length === 0) await new Promise<void>((res) => waiters.push(res));
    return inbox.shift()!;
  };
  const ask = async (m: unknown): Promise<Record<string, unknown>> => {
    ws.send(typeof m === 'string' ? m : JSON.stringify(m));
    return JSON.parse((await next()) as string);
  };
  return { ws, next, ask, closed };
}

describe('env-server and remote env on localhost', () => {
  it('serves the spec and time steps of a local env bit for bit, rendered or not', async () => {
    const server = await serve();
    const remote = await connect(server.url);
    const local = await makeEnv('nav2d');
    expect(remote.spec).toEqual(local.spec);
    expect(sameEpisode(await driveRandom(remote, 11, 120), await driveRandom(local, 11, 120))).toBe(true);
    const blind = await connect(server.url, { render: false });
    const ts = await blind.reset(4);
    expect(ts.observation.length).toBe(0);
    expect(Array.from(ts.state)).toEqual(Array.from((await local.reset(4)).state));
    local.close();
  });

  it('load: 4 concurrent clients stepping 200 steps each all get the local env\'s results', async () => {
    const server = await serve();
    const remotes = await Promise.all([0, 1, 2, 3].map(() => connect(server.url)));
    expect(server.connections()).toBe(4);
    const runs = await Promise.all(remotes.map((r, i) => driveRandom(r, 100 * i, 200)));
    for (let i = 0; i < 4; i++) {
      const local = await makeEnv('nav2d');
      expect(runs[i].length).toBeGreaterThanOrEqual(201);
      expect(sameEpisode(runs[i], await driveRandom(local, 100 * i, 200))).toBe(true);
      local.close();
    }
    for (const r of remotes) r.close();
    for (let k = 0; k < 100 && server.connections() > 0; k++) await new Promise((res) => setTimeout(res, 20));
    expect(server.connections()).toBe(0);
  });

  it('answers each malformed message with an error and goes on serving the connection', async () => {
    const server = await serve();
    const c = await rawClient(server.url);
    expect(await c.ask({ type: 'reset', id: 1, seed: 0 })).toMatchObject({ type: 'error', id: 1, code: 'not_opened' });
    expect(await c.ask({ type: 'hello', id: 2, protocol: PROTOCOL_VERSION + 1 })).toMatchObject({ type: 'error', id: 2, code: 'unsupported_protocol' });
    const spec = await c.ask({ type: 'hello', id: 3, protocol: PROTOCOL_VERSION, render: false });
    expect(spec).toMatchObject({ type: 'spec', id: 3, protocol: PROTOCOL_VERSION, spec: { name: 'nav2d', action: { dim: 2 } } });
    expect(await c.ask({ type: 'hello', id: 4, protocol: PROTOCOL_VERSION })).toMatchObject({ type: 'error', id: 4, code: 'bad_message' });
    expect(await c.ask('{"type": "step", "id": 5, "action": [0.1, ')).toMatchObject({ type: 'error', id: null, code: 'bad_json' });
    expect(await c.ask('{"type": "step", "id": 6, "action": [NaN, 0]}')).toMatchObject({ type: 'error', id: null, code: 'bad_json' });
    expect(await c.ask('{"type": "step", "id": 7, "action": [1e999, 0]}')).toMatchObject({ type: 'error', id: 7, code: 'bad_message', message: expect.stringMatching(/^action\.0: /) });
    expect(await c.ask({ type: 'step', id: 8, action: [null, 0] })).toMatchObject({ type: 'error', id: 8, code: 'bad_message' });
    expect(await c.ask({ type: 'step', id: 9, action: [0.1] })).toMatchObject({ type: 'error', id: 9, code: 'bad_action', message: "action has 1 values; task 'nav2d' takes 2" });
    expect(await c.ask({ type: 'step', id: 10, action: [0.1, 0.2], extra: 1 })).toMatchObject({ type: 'error', id: 10, code: 'bad_message' });
    expect(await c.ask({ type: 'jump', id: 11 })).toMatchObject({ type: 'error', id: 11, code: 'bad_message' });
    expect(await c.ask({ type: 'step', id: 12, action: [0.1, 0.2] })).toMatchObject({ type: 'error', id: 12, code: 'env_error', message: expect.stringMatching(/reset/) });
    c.ws.send(Buffer.from([1, 2, 3]));
    expect(JSON.parse((await c.next()) as string)).toMatchObject({ type: 'error', id: null, code: 'bad_message' });
    // Still serving: a reset and a step match the local env's.
    const local = await makeEnv('nav2d', { render: false });
    const l0 = await local.reset(5);
    expect(await c.ask({ type: 'reset', id: 13, seed: 5 })).toMatchObject({ type: 'timestep', id: 13, t: 0, cost: 0, done: false, state: Array.from(l0.state), obs_bytes: 0 });
    const l1 = await local.step([0.3, -0.2]);
    expect(await c.ask({ type: 'step', id: 14, action: [0.3, -0.2] })).toEqual({ type: 'timestep', id: 14, t: 1, cost: l1.cost, done: false, info: l1.info, state: Array.from(l1.state), obs_bytes: 0 });
    local.close();
    // Over the size limit: that connection is closed (1009), the server serves the next one.
    c.ws.send('x'.repeat(LIMITS.clientMessageBytes + 1));
    expect(await c.closed).toBe(1009);
    const again = await connect(server.url);
    expect((await again.reset(1)).observation.length).toBe(32 * 32 * 2);
  });

  it('sends the rendered image as float32 little-endian H×W×C bytes after the header', async () => {
    const server = await serve();
    const c = await rawClient(server.url);
    await c.ask({ type: 'hello', id: 0, protocol: PROTOCOL_VERSION });
    const header = await c.ask({ type: 'reset', id: 1, seed: 8 });
    const image = (await c.next()) as Buffer;
    const local = await makeEnv('nav2d');
    const obs = (await local.reset(8)).observation;
    expect(header.obs_bytes).toBe(obs.length * 4);
    expect(image.length).toBe(obs.length * 4);
    for (let i = 0; i < obs.length; i++) expect(image.readFloatLE(i * 4)).toBe(obs[i]);
    local.close();
    c.ws.close();
  });

  it('refuses to bind beyond loopback without a token, and a client without the token', async () => {
    await expect(serveEnv({ env: 'nav2d', host: '0.0.0.0', port: 0 })).rejects.toThrow(/^env-server: refusing to listen on 0\.0\.0\.0 without a token/);
    const server = await serve({ host: '0.0.0.0', token: 'secret-token-1' });
    const url = `ws://127.0.0.1:${server.port}/`;
    await expect(connectRemoteEnv(url, { socket: nodeSocket })).rejects.toThrow(`remote env ${url}: cannot connect: Unexpected server response: 401 (wrong or missing token`);
    await expect(connectRemoteEnv(`${url}?token=wrong-token-2`, { socket: nodeSocket })).rejects.toThrow(`remote env ${url}?token=***: cannot connect: Unexpected server response: 401`);
    const withUrl = await connect(`${url}?token=secret-token-1`);
    const withOption = await connect(url, { token: 'secret-token-1' });
    expect(Array.from((await withUrl.reset(2)).state)).toEqual(Array.from((await withOption.reset(2)).state));
  });

  it('times out on a server that stops answering, naming the URL and the step', async () => {
    let stall = false;
    registerEnv({
      name: 'stalling-nav2d',
      create: async (p) => {
        const env = await makeEnv('nav2d', p);
        return { spec: env.spec, reset: (s) => env.reset(s), step: (a) => (stall ? new Promise<never>(() => {}) : env.step(a)), close: () => env.close() };
      },
    });
    const server = await serve({ env: 'stalling-nav2d' });
    const url = `${server.url}?timeout=0.3`;
    const env = await connect(url);
    await env.reset(3);
    await env.step([0, 0]);
    stall = true;
    await expect(env.step([0, 0])).rejects.toThrow(`remote env ${url}: step 2 (episode of seed 3): no answer within 0.3 s; the connection is closed`);
    await expect(env.reset(4)).rejects.toThrow(`remote env ${url}: reset (seed 4) not sent: step 2 (episode of seed 3): no answer within 0.3 s`);
  });

  it('fails a request with one line when the server goes away, and cannot connect to nothing', async () => {
    const server = await serve();
    const env = await connect(server.url);
    await env.reset(1);
    await server.close();
    servers.pop();
    await expect(env.step([0, 0])).rejects.toThrow(new RegExp(`^remote env ${server.url}: step 1 \\(episode of seed 1\\)(:| not sent:) the connection was lost \\(code 1006\\)$`));
    await expect(connectRemoteEnv(server.url, { socket: nodeSocket })).rejects.toThrow(new RegExp(`^remote env ${server.url}: cannot connect: connect ECONNREFUSED .*\\(is \`solar env-server\` running there\\?\\)$`));
    await expect(connectRemoteEnv('http://x/', { socket: nodeSocket })).rejects.toThrow("remote env 'http://x/': the URL must start with ws:// or wss://");
  });
});
