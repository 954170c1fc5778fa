/**
 * `solar serve`: a local web app to watch runs. A JSON API over the run directories under a
 * folder, server-sent events following one run live, and one static page (page.html, inline JS
 * and CSS: nothing loads from elsewhere). Listens on 127.0.0.1 by default; any other address
 * needs a token, then required of every request (`?token=` or `Authorization: Bearer`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { isLoopback } from '../remote/env-server.js';
import { followRun, type RunEvent } from './follow.js';
import { Jobs, type JobEvent } from './jobs.js';
import { HttpError, listRuns, resolveRunId, runDetail, runFilePath } from './runs.js';
import { SUCCESS_LABELS } from '../agents/core/success-labels.js';
import { METHODS, PRESETS } from '../config/train-config.js';
import { envNames } from '../envs/registry.js';

export const DEFAULT_SERVE_PORT = 7860;

export interface ServeOptions {
  /** The folder whose run directories are shown. */
  runs: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** How often a followed run's files are looked at (ms). */
  pollMs?: number;
  /** The `solar` CLI the page's runs are started with (default: this package's bin/solar.js). */
  cli?: string;
}

export interface RunsServer {
  readonly app: FastifyInstance;
  /** The page's address (without the token). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function sameToken(given: string | undefined, want: string): boolean {
  if (given === undefined) return false;
  // Equal-length digests compared in constant time: neither the token nor its length leaks.
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(want));
}

/** Checks the bind address and token; one line naming the problem otherwise. */
export function checkServeOptions(opts: Pick<ServeOptions, 'host' | 'token'>): void {
  const host = opts.host ?? '127.0.0.1';
  if (opts.token !== undefined && opts.token.length < 8) throw new Error('serve: a token has at least 8 characters (e.g. from: openssl rand -hex 16)');
  if (!isLoopback(host) && opts.token === undefined) throw new Error(`serve: refusing to listen on ${host} without a token: anyone reaching that address could read the runs; give --token T (then open http://HOST:PORT/?token=T), or bind 127.0.0.1`);
}

/** One line, for a JSON error body: the first line of the message, at most 300 characters. */
const oneLine = (s: string): string => s.split('\n')[0].slice(0, 300);

const ID = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 500 } } } as const;
const ID_NAME = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string', minLength: 1, maxLength: 500 }, name: { type: 'string', minLength: 1, maxLength: 100 } } } as const;

const START = {
  type: 'object', required: ['env', 'method', 'preset', 'seed'], additionalProperties: false,
  properties: { env: { type: 'string', maxLength: 200 }, method: { type: 'string', maxLength: 20 }, preset: { type: 'string', maxLength: 20 }, seed: { type: 'integer' }, label: { type: 'string', maxLength: 20 } },
} as const;
const LABEL = {
  type: 'object', required: ['iteration'], additionalProperties: false,
  properties: { iteration: { type: 'integer', minimum: 0 }, rollout: { type: 'integer', minimum: 0 }, success: { type: ['boolean', 'null'] }, done: { type: 'boolean' } },
} as const;
const ID_N = { type: 'object', required: ['id', 'n'], properties: { id: { type: 'string', minLength: 1, maxLength: 500 }, n: { type: 'integer', minimum: 0 } } } as const;

const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** The app, not listening (tests call `inject`); `serveRuns` listens. */
export function buildServer(opts: ServeOptions): FastifyInstance {
  checkServeOptions(opts);
  const root = opts.runs;
  const token = opts.token;
  // page.html sits beside this file: in src/web when run from source, copied to build/src/web by `npm run build`.
  const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
  // Unknown fields are refused, not silently dropped (Fastify's default removes them).
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 500 }, return503OnClosing: true, ajv: { customOptions: { removeAdditional: false } } });
  const streams = new Set<() => void>();
  const jobs = new Jobs(root, opts.cli);

  app.addHook('onRequest', async (req, reply) => {
    if (token === undefined) return;
    const q = (req.query as Record<string, unknown> | undefined)?.token;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (sameToken(typeof q === 'string' ? q : bearer, token)) return;
    return reply.code(401).header('Cache-Control', 'no-store').send({ error: `${q === undefined && bearer === undefined ? 'no' : 'wrong'} token: open http://HOST:PORT/?token=T or send Authorization: Bearer T` });
  });

  // What changes something (starts a run, labels) must come from this page: a request another
  // site's page makes the browser send carries that site's Origin (and JSON needs a preflight no one answers).
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    const origin = req.headers.origin;
    if (origin !== undefined && (() => { try { return new URL(origin).host !== req.headers.host; } catch { return true; } })()) {
      return reply.code(403).send({ error: `refused: a request from ${origin.slice(0, 100)} (only this server's page may start, stop or label runs)` });
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof HttpError ? err.status : err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    reply.code(status).send({ error: oneLine(status === 500 ? `internal error: ${err.message}` : err.message) });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `no such page: ${req.method} ${req.url.split('?')[0].slice(0, 200)}` });
  });

  app.get('/', async (_req, reply) => reply.header('Content-Security-Policy', PAGE_CSP).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(page));

  app.get('/api/runs', async (_req, reply) => reply.header('Cache-Control', 'no-store').send({ root, runs: listRuns(root) }));

  app.get<{ Params: { id: string } }>('/api/runs/:id', { schema: { params: ID } }, async (req, reply) => reply.header('Cache-Control', 'no-store').send(runDetail(root, req.params.id)));

  app.get('/api/options', async (_req, reply) => reply.header('Cache-Control', 'no-store').send({ tasks: envNames(), methods: Object.keys(METHODS), presets: PRESETS, labels: SUCCESS_LABELS }));

  app.post<{ Body: { env: string; method: string; preset: string; seed: number; label?: string } }>('/api/jobs', { schema: { body: START } }, async (req) => ({ id: jobs.start(req.body) }));

  app.get<{ Params: { id: string } }>('/api/runs/:id/job', { schema: { params: ID } }, async (req, reply) => reply.header('Cache-Control', 'no-store').send(jobs.state(req.params.id)));

  app.post<{ Params: { id: string } }>('/api/runs/:id/stop', { schema: { params: ID } }, async (req) => (jobs.stop(req.params.id), { ok: true }));

  app.post<{ Params: { id: string } }>('/api/runs/:id/resume', { schema: { params: ID } }, async (req) => (jobs.resume(req.params.id), { ok: true }));

  app.get<{ Params: { id: string; n: number } }>('/api/runs/:id/labels/:n', { schema: { params: ID_N } }, async (req, reply) => reply.header('Cache-Control', 'no-store').type('image/png').send(jobs.framePng(req.params.id, req.params.n)));

  app.post<{ Params: { id: string }; Body: { iteration: number; rollout?: number; success?: boolean | null; done?: boolean } }>('/api/runs/:id/labels', { schema: { params: ID, body: LABEL } }, async (req) => {
    jobs.label(req.params.id, req.body);
    return { ok: true, labels: jobs.state(req.params.id).labels };
  });

  app.get<{ Params: { id: string; name: string } }>('/api/runs/:id/file/:name', { schema: { params: ID_NAME } }, async (req, reply) => {
    const file = runFilePath(resolveRunId(root, req.params.id), req.params.name);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      throw new HttpError(404, `run '${req.params.id}' has no ${req.params.name}`);
    }
    // The SVG is the run's own, but shown from this origin: no scripts in it.
    return reply.header('Cache-Control', 'no-store').header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").type(file.endsWith('.svg') ? 'image/svg+xml' : 'image/gif').send(data);
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/events', { schema: { params: ID } }, async (req, reply) => {
    const dir = resolveRunId(root, req.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    const send = (event: string, data: unknown) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // 'start' first: a reconnecting EventSource gets every line again, so the page starts afresh.
    res.write('retry: 2000\n\n');
    send('start', { id: req.params.id });
    const follower = followRun(dir, (e: RunEvent) => {
      const { type, ...rest } = e;
      send(type, e.type === 'metrics' || e.type === 'pretrain' ? e.line : rest);
    }, opts.pollMs);
    // The job this server runs in it (if any) and the labels it waits for.
    const state = jobs.state(req.params.id);
    send('job', state);
    send('labels', state.labels);
    const unsubscribe = jobs.subscribe(req.params.id, (e: JobEvent) => send(e.type, e.type === 'job' ? e.state : e.type === 'log' ? e.lines : e.labels));
    // A comment now and then: proxies and browsers keep an idle stream open.
    const beat = setInterval(() => void res.write(': keep-alive\n\n'), 15_000);
    const end = () => {
      follower.stop();
      unsubscribe();
      clearInterval(beat);
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    res.on('close', end);
    res.on('error', end);
  });

  // Open event streams never end by themselves: closing the server ends them.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  // The runs started here stop as on Ctrl-C (each saves and can be resumed).
  app.addHook('onClose', async () => jobs.close());
  return app;
}

/** Builds the app and listens; errors (one line) for an unsafe bind or a port in use. */
export async function serveRuns(opts: ServeOptions): Promise<RunsServer> {
  const app = buildServer(opts);
  const host = opts.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: opts.port ?? DEFAULT_SERVE_PORT });
  } catch (e) {
    await app.close();
    throw new Error(`serve: cannot listen on ${host}:${opts.port ?? DEFAULT_SERVE_PORT}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_SERVE_PORT);
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}/`, host, port, close: () => app.close() };
}
