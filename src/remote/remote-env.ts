/**
 * The client of the remote-environment protocol (docs/remote-env.md): an `Env` whose spec,
 * resets and steps come from a server over one WebSocket. Browser-safe: it takes any
 * WHATWG-style WebSocket (a page's own, or the `ws` package's in Node: remote-tasks.ts).
 *
 * Each request waits at most the timeout (the URL's `timeout=SECONDS`, default 30 s); a
 * timeout, a lost connection or a malformed answer ends the env with one line naming the URL
 * and the request (`step 17 (episode of seed 5)`), and every later call repeats that line.
 */
import type { Env, EnvSpec, TimeStep } from '../envs/types.js';
import {
  decodeObservation, LIMITS, PROTOCOL_VERSION, redactUrl, serverMessage, schemaProblem, specFromWire, timestepProblem, toTimeStep,
  type SpecMessage, type TimestepMessage,
} from './protocol.js';

/** The part of a WebSocket (browser or `ws`) the client uses. */
export interface SocketLike {
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (ev: { data?: unknown; code?: number; reason?: string; message?: string }) => void): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface RemoteEnvOptions {
  /** false: the server skips rendering and time steps carry an empty observation. */
  render?: boolean;
  /** Seconds to wait for each answer; default the URL's `timeout`, else 30. */
  timeoutS?: number;
  /** Used when the URL has no `token`. */
  token?: string;
  /** Opens the socket; default the global WebSocket (browsers, Node ≥ 22). */
  socket?: SocketFactory;
}

/** The URL the socket opens (the client-side `timeout` dropped, `token` added) and the timeout; errors name a bad URL. */
export function remoteTarget(url: string, opts: Pick<RemoteEnvOptions, 'timeoutS' | 'token'> = {}): { socketUrl: string; timeoutS: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`remote env '${redactUrl(url)}': not a URL (expected ws://HOST:PORT/ or wss://…)`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error(`remote env '${redactUrl(url)}': the URL must start with ws:// or wss://`);
  let timeoutS = opts.timeoutS ?? LIMITS.requestTimeoutS;
  const t = u.searchParams.get('timeout');
  if (t !== null) {
    timeoutS = Number(t);
    if (!(timeoutS > 0) || !Number.isFinite(timeoutS)) throw new Error(`remote env '${redactUrl(url)}': timeout=${t} must be a positive number of seconds`);
    u.searchParams.delete('timeout');
  }
  if (!u.searchParams.has('token') && opts.token) u.searchParams.set('token', opts.token);
  return { socketUrl: u.toString(), timeoutS };
}

interface Pending {
  readonly id: number;
  readonly what: string;
  readonly kind: 'hello' | 'timestep';
  resolve(v: SpecMessage | TimeStep): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  header?: TimestepMessage;
}

class RemoteEnv implements Env {
  spec!: EnvSpec;
  private pending: Pending | null = null;
  private failure: Error | null = null;
  private nextId = 0;
  private opened = false;
  private socketError = '';
  private t = 0;
  private seed = 0;
  private readonly socket: SocketLike;

  constructor(private readonly url: string, socketUrl: string, private readonly timeoutS: number, private readonly render: boolean, factory: SocketFactory) {
    this.socket = factory(socketUrl);
    this.socket.binaryType = 'arraybuffer';
    this.socket.addEventListener('message', (ev) => this.onMessage(ev.data));
    this.socket.addEventListener('error', (ev) => (this.socketError = ev.message ?? ''));
    this.socket.addEventListener('close', (ev) => this.onClose(ev.code ?? 1006, ev.reason ?? ''));
  }

  private get prefix(): string {
    return `remote env ${redactUrl(this.url)}`;
  }

  async open(): Promise<void> {
    const opened = new Promise<SpecMessage | TimeStep>((resolve, reject) => this.begin('hello', 'the connection and hello', resolve, reject));
    this.socket.addEventListener('open', () => {
      this.opened = true;
      if (this.pending) this.socket.send(JSON.stringify({ type: 'hello', id: this.pending.id, protocol: PROTOCOL_VERSION, render: this.render }));
    });
    const m = (await opened) as SpecMessage;
    if (m.protocol !== PROTOCOL_VERSION) {
      this.fail(`the server speaks protocol ${m.protocol}, this client ${PROTOCOL_VERSION}`);
      throw this.failure;
    }
    this.spec = specFromWire(m.spec);
  }

  reset(seed: number): Promise<TimeStep> {
    if (!Number.isSafeInteger(seed)) return Promise.reject(new Error(`${this.prefix}: reset seed must be an integer, got ${seed}`));
    return this.request('timestep', `reset (seed ${seed})`, { type: 'reset', seed }).then((ts) => {
      this.t = 0;
      this.seed = seed;
      return ts as TimeStep;
    });
  }

  step(action: ArrayLike<number>): Promise<TimeStep> {
    const dim = this.spec.action.dim;
    if (action == null || action.length !== dim) return Promise.reject(new RangeError(`${this.prefix}: action has length ${action?.length}, expected ${dim}`));
    const a = Array.from(action);
    const bad = a.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) return Promise.reject(new RangeError(`${this.prefix}: action[${bad}] is ${a[bad]}; actions must be finite numbers`));
    return this.request('timestep', `step ${this.t + 1} (episode of seed ${this.seed})`, { type: 'step', action: a }).then((ts) => {
      this.t++;
      return ts as TimeStep;
    });
  }

  close(): void {
    if (!this.failure) this.failure = new Error(`${this.prefix}: the env was closed`);
    this.socket.close(1000, 'closed by the client');
  }

  private request(kind: Pending['kind'], what: string, body: object): Promise<SpecMessage | TimeStep> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(new Error(`${this.failure.message.replace(/^remote env \S+: /, `${this.prefix}: ${what} not sent: `)}`));
      if (this.pending) return reject(new Error(`${this.prefix}: ${what} while ${this.pending.what} is unanswered: one request at a time`));
      const id = this.begin(kind, what, resolve, reject);
      try {
        this.socket.send(JSON.stringify({ ...body, id }));
      } catch (e) {
        this.fail(`${what} could not be sent: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  private begin(kind: Pending['kind'], what: string, resolve: Pending['resolve'], reject: Pending['reject']): number {
    const id = this.nextId++;
    const timer = setTimeout(() => this.fail(`${what}: no answer within ${this.timeoutS} s; the connection is closed`), this.timeoutS * 1000);
    this.pending = { id, what, kind, resolve, reject, timer };
    return id;
  }

  private settle(): Pending | null {
    const p = this.pending;
    if (p) clearTimeout(p.timer);
    this.pending = null;
    return p;
  }

  /** Ends the env: the pending request and every later call reject with this line. */
  private fail(line: string): void {
    if (!this.failure) this.failure = new Error(`${this.prefix}: ${line}`);
    this.settle()?.reject(this.failure);
    this.socket.close(1000, 'client gave up');
  }

  private onClose(code: number, reason: string): void {
    const p = this.pending;
    const why = `${this.socketError || `code ${code}`}${reason ? `: ${reason}` : ''}`;
    if (!this.opened) {
      const hint = /\b401\b/.test(this.socketError) ? ' (wrong or missing token: add ?token=… to the URL, or set SOLAR_ENV_TOKEN)' : ' (is `solar env-server` running there?)';
      this.fail(`cannot connect: ${why}${hint}`);
    } else this.fail(`${p ? `${p.what}: ` : ''}the connection was lost (${why})`);
  }

  private onMessage(data: unknown): void {
    const p = this.pending;
    if (typeof data === 'string') {
      if (data.length > LIMITS.serverTextBytes) return this.fail(`the server sent a ${data.length}-character message, over the ${LIMITS.serverTextBytes} limit`);
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return this.fail('the server sent a text frame that is not JSON');
      }
      const r = serverMessage.safeParse(json);
      if (!r.success) return this.fail(`the server sent a malformed message${p ? ` answering ${p.what}` : ''}: ${schemaProblem(r.error)}`);
      const m = r.data;
      if (!p || p.header || (m.id !== null && m.id !== p.id)) return this.fail(`the server sent an unexpected ${m.type} message (id ${m.id})`);
      if (m.type === 'error') {
        // The server stays usable after an error reply: only this request fails.
        this.settle()!.reject(new Error(`${this.prefix}: ${p.what}: the server refused it (${m.code}): ${m.message}`));
        return;
      }
      if (m.type === 'spec') {
        if (p.kind !== 'hello') return this.fail(`the server sent a spec answering ${p.what}`);
        this.settle()!.resolve(m);
        return;
      }
      if (p.kind !== 'timestep') return this.fail(`the server sent a time step answering ${p.what}`);
      const problem = timestepProblem(m, this.spec, this.render);
      if (problem) return this.fail(`the server answered ${p.what} with ${problem}`);
      if (m.obs_bytes === 0) {
        this.settle()!.resolve(toTimeStep(m, new Float32Array(0)));
        return;
      }
      p.header = m;
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!bytes) return this.fail('the server sent a frame of an unknown kind');
    if (!p?.header) return this.fail(`the server sent an image no time step header announced`);
    if (bytes.byteLength !== p.header.obs_bytes) return this.fail(`the server answered ${p.what} with an image of ${bytes.byteLength} bytes; its header announced ${p.header.obs_bytes}`);
    const obs = decodeObservation(bytes);
    if ('problem' in obs) return this.fail(`the server answered ${p.what} with ${obs.problem}`);
    this.settle()!.resolve(toTimeStep(p.header, obs.values));
  }
}

/** Connects to a task server and opens its env (hello → spec); errors name the URL and what failed. */
export async function connectRemoteEnv(url: string, opts: RemoteEnvOptions = {}): Promise<Env> {
  const { socketUrl, timeoutS } = remoteTarget(url, opts);
  const factory = opts.socket ?? ((u: string) => new (globalThis as unknown as { WebSocket: new (u: string) => SocketLike }).WebSocket(u));
  if (!opts.socket && typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function') throw new Error(`remote env ${redactUrl(url)}: this runtime has no WebSocket; pass one (opts.socket)`);
  const env = new RemoteEnv(url, socketUrl, timeoutS, opts.render ?? true, factory);
  await env.open();
  return env;
}
