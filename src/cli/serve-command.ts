import { existsSync, statSync } from 'node:fs';
import { DEFAULT_SERVE_PORT, serveRuns, type RunsServer } from '../web/server.js';
import { UserError, type Io } from './io.js';
import { untilStopped } from './until-stopped.js';

export interface ServeCommandOptions {
  runs: string;
  port?: number;
  host?: string;
  token?: string;
}

/**
 * `solar serve`: the web app watching the runs under `--runs` (src/web) until SIGINT or
 * SIGTERM (or `stop`, for tests); prints the address to open.
 */
export async function serveCommand(opts: ServeCommandOptions, io: Io, stop?: AbortSignal): Promise<number> {
  if (existsSync(opts.runs) && !statSync(opts.runs).isDirectory()) throw new UserError(`--runs '${opts.runs}' is a file, not a folder of runs`);
  let server: RunsServer;
  try {
    server = await serveRuns({ runs: opts.runs, host: opts.host, port: opts.port ?? DEFAULT_SERVE_PORT, token: opts.token });
  } catch (e) {
    throw new UserError(e instanceof Error ? e.message : String(e));
  }
  if (!existsSync(opts.runs)) io.err(`notice: '${opts.runs}' does not exist yet: the list stays empty until runs are written there`);
  io.out(`watching the runs under '${opts.runs}' at ${server.url}${opts.token ? '?token=…' : ''}${server.host === '0.0.0.0' || server.host === '::' ? ' (with this machine\'s address for the host)' : ''}`);
  await untilStopped(stop);
  await server.close();
  io.out('serve stopped');
  return 0;
}
