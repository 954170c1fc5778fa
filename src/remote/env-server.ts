/**
 * Serves a registered task over a WebSocket (docs/remote-env.md): one env per connection,
 * made at the client's hello, closed when the connection ends. Every message is validated; a
 * malformed one gets an error reply and the connection (and the server) go on. Binds
 * 127.0.0.1 by default; any other address needs a token, checked at the HTTP upgrade
 * (`?token=…`), so an unauthenticated client never reaches a task.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { makeEnv, resolveEnvParams } from '../envs/registry.js';
import type { Env, EnvSpec, TimeStep } from '../envs/types.js';
import { packageVersion } from '../run/version.js';
import { actionProblem, clientMessage, encodeObservation, LIMITS, observationBytes, PROTOCOL_VERSION, schemaProblem, specToWire, type ErrorCode } from './protocol.js';

export interface EnvServerOptions {
  /** A registered task's name (built-in, or registered from --env-module). */
  env: string;
  /** The task's parameters (env.* overrides); the client's hello decides only `render`. */
  params?: Record<string, unknown>;
  /** Address to bind: 127.0.0.1 by default; any non-loopback one needs `token`. */
  host?: string;
  /** Port; 0 picks a free one (see `port` of the result). Default 8765. */
  port?: number;
  /** Required of every client (`?token=…` in its URL) when given; required to bind beyond loopback. */
  token?: string;
  maxConnections?: number;
  helloTimeoutMs?: number;
  heartbeatMs?: number;
  /** A line per connection and per error reply (the CLI writes them to stderr). */
  log?: (line: string) => void;
}

export interface EnvServer {
  /** The URL clients connect to (without the token). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The task's spec, as made at start. */
  readonly spec: EnvSpec;
  /** The task's full parameters (defaults and overrides). */
  readonly params: Record<string, unknown>;
  /** Open connections. */
  connections(): number;
  /** Drops every connection (clients see the connection lost), closes their envs and stops listening. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8765;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameToken(given: string | null, want: string): boolean {
  if (given === null) return false;
  // Equal-length digests, compared in constant time: the token's length is not leaked either.
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(want));
}

/** Starts serving; resolves once listening. Errors (one line) for an unsafe bind, bad params or a task that cannot be made. */
export async function serveEnv(opts: EnvServerOptions): Promise<EnvServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token;
  if (token !== undefined && token.length < 8) throw new Error('env-server: a token has at least 8 characters (e.g. from: openssl rand -hex 16)');
  if (!isLoopback(host) && token === undefined) {
    throw new Error(`env-server: refusing to listen on ${host} without a token: anyone reaching that address could drive the task; give --token T (clients then connect to ws://HOST:PORT/?token=T), or bind 127.0.0.1`);
  }
  const params = resolveEnvParams(opts.env, opts.params ?? {});
  // Made once now, so a task that cannot be made fails at start rather than at a client's hello.
  const probe = await makeEnv(opts.env, params);
  const spec = probe.spec;
  probe.close();
  const log = opts.log ?? (() => {});
  const maxConnections = opts.maxConnections ?? LIMITS.maxConnections;
  const helloMs = opts.helloTimeoutMs ?? LIMITS.helloTimeoutS * 1000;
  const server = `solar-rl ${packageVersion()}`;

  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end(`solar env-server (${opts.env}): connect with a WebSocket client, protocol ${PROTOCOL_VERSION} (docs/remote-env.md)\n`);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.clientMessageBytes, perMessageDeflate: false });
  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text) + 1}\r\n\r\n${text}\n`);
  };
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const u = new URL(req.url ?? '/', 'http://localhost');
    const who = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    if (u.pathname !== '/') return refuse(socket, 404, 'Not Found');
    if (token !== undefined && !sameToken(u.searchParams.get('token'), token)) {
      log(`refused ${who}: ${u.searchParams.has('token') ? 'wrong' : 'no'} token`);
      return refuse(socket, 401, 'Unauthorized');
    }
    if (wss.clients.size >= maxConnections) {
      log(`refused ${who}: ${maxConnections} connections already open`);
      return refuse(socket, 503, 'Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, who));
  });

  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        log('dropped a connection that answered no ping');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, opts.heartbeatMs ?? LIMITS.heartbeatS * 1000);
  heartbeat.unref();

  function serveConnection(ws: WebSocket, who: string): void {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    log(`connection from ${who} (${wss.clients.size} open)`);
    let env: Env | null = null;
    let render = true;
    let t = -1;
    let closed = false;
    // Requests are answered one at a time, in order, even when the env answers asynchronously.
    let queue: Promise<void> = Promise.resolve();
    const helloTimer = setTimeout(() => ws.close(1008, `no hello within ${helloMs / 1000} s`), helloMs);

    const reply = (m: object) => {
      if (!closed) ws.send(JSON.stringify(m));
    };
    const error = (id: number | null, code: ErrorCode, message: string) => {
      log(`${who}: ${code}: ${message}`);
      reply({ type: 'error', id, code, message });
    };
    const sendTimeStep = (id: number, ts: TimeStep) => {
      const problem = timeStepProblem(ts, env!.spec, render);
      if (problem) return error(id, 'env_error', `task '${opts.env}' returned ${problem}`);
      const obs = render ? encodeObservation(ts.observation) : null;
      reply({ type: 'timestep', id, t, cost: ts.cost, done: ts.done, info: { distance: ts.info.distance, success: ts.info.success }, state: Array.from(ts.state), obs_bytes: obs ? obs.byteLength : 0 });
      if (obs && !closed) ws.send(obs, { binary: true });
    };

    async function handle(data: RawData, isBinary: boolean): Promise<void> {
      if (closed) return;
      if (isBinary) return error(null, 'bad_message', 'a client sends only JSON text frames (binary frames carry the server\'s observations)');
      const text = data.toString();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        return error(null, 'bad_json', `not JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const rawId = (json as { id?: unknown } | null)?.id;
      const id = Number.isSafeInteger(rawId) && (rawId as number) >= 0 ? (rawId as number) : null;
      const parsed = clientMessage.safeParse(json);
      if (!parsed.success) return error(id, 'bad_message', schemaProblem(parsed.error));
      const m = parsed.data;
      if (m.type === 'hello') {
        if (env) return error(m.id, 'bad_message', 'hello was already received: one env per connection');
        if (m.protocol !== PROTOCOL_VERSION) return error(m.id, 'unsupported_protocol', `this server speaks protocol ${PROTOCOL_VERSION}, the client asked for ${m.protocol}`);
        try {
          const made = await makeEnv(opts.env, { ...params, render: m.render });
          if (closed) return made.close();
          env = made;
        } catch (e) {
          return error(m.id, 'env_error', `task '${opts.env}' could not be made: ${e instanceof Error ? e.message : String(e)}`);
        }
        clearTimeout(helloTimer);
        render = m.render;
        return reply({ type: 'spec', id: m.id, protocol: PROTOCOL_VERSION, server, params: { ...params, render }, spec: specToWire(env.spec) });
      }
      if (!env) return error(m.id, 'not_opened', `send hello before ${m.type}`);
      try {
        if (m.type === 'reset') {
          const ts = await env.reset(m.seed);
          t = 0;
          return sendTimeStep(m.id, ts);
        }
        const problem = actionProblem(m.action, env.spec);
        if (problem) return error(m.id, 'bad_action', problem);
        const ts = await env.step(m.action);
        t++;
        return sendTimeStep(m.id, ts);
      } catch (e) {
        return error(m.id, 'env_error', e instanceof Error ? e.message : String(e));
      }
    }

    ws.on('message', (data, isBinary) => {
      queue = queue.then(() => handle(data, isBinary)).catch((e) => log(`${who}: ${e instanceof Error ? e.message : String(e)}`));
    });
    // A message over the size limit: ws closes the connection with 1009; nothing else to do.
    ws.on('error', (e) => log(`${who}: ${e.message}`));
    ws.on('close', (code) => {
      closed = true;
      clearTimeout(helloTimer);
      try {
        env?.close();
      } catch (e) {
        log(`${who}: closing the env: ${e instanceof Error ? e.message : String(e)}`);
      }
      log(`${who} closed (code ${code}; ${wss.clients.size} open)`);
    });
  }

  const port = await new Promise<number>((resolve, reject) => {
    http.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`env-server: cannot listen on ${host}:${opts.port ?? DEFAULT_PORT}: ${e.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port, or 0 for a free one)' : e.message}`)));
    http.listen(opts.port ?? DEFAULT_PORT, host, () => resolve((http.address() as { port: number }).port));
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${urlHost}:${port}/`,
    host,
    port,
    spec,
    params,
    connections: () => wss.clients.size,
    close: async () => {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** What a time step from the task gets wrong against its spec (a user's task, or a robot), or null. */
function timeStepProblem(ts: TimeStep, spec: EnvSpec, render: boolean): string | null {
  if (!Number.isFinite(ts.cost)) return `cost ${ts.cost}`;
  if (!Number.isFinite(ts.info?.distance)) return `info.distance ${ts.info?.distance}`;
  if (ts.state.length !== spec.stateDim) return `a state of ${ts.state.length} values; spec.stateDim is ${spec.stateDim}`;
  for (let i = 0; i < ts.state.length; i++) if (!Number.isFinite(ts.state[i])) return `state[${i}] = ${ts.state[i]}`;
  // Without rendering, an image a task draws anyway is dropped, not checked.
  if (!render) return null;
  const want = observationBytes(spec) / 4;
  if (ts.observation.length !== want) return `an observation of ${ts.observation.length} values; spec.observation.shape ${spec.observation.shape.join('×')} needs ${want}`;
  for (let i = 0; i < ts.observation.length; i++) if (!Number.isFinite(ts.observation[i])) return `observation value ${i} = ${ts.observation[i]}`;
  return null;
}
