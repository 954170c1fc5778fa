import { applyOverrides } from '../config/overrides.js';
import { resolveEnvParams } from '../envs/registry.js';
import { DEFAULT_PORT, serveEnv, type EnvServer } from '../remote/env-server.js';
import { UserError, type Io } from './io.js';
import { untilStopped } from './until-stopped.js';

export interface EnvServerOptions {
  env: string;
  port?: number;
  host?: string;
  token?: string;
  set: string[];
}

/** The task's parameters from `--set env.key=value` (other keys are errors naming the known ones). */
function taskParams(name: string, sets: readonly string[]): Record<string, unknown> {
  const { env } = applyOverrides({ env: resolveEnvParams(name) }, sets) as { env: Record<string, unknown> };
  return resolveEnvParams(name, env);
}

/**
 * `solar env-server`: serves a task over a WebSocket (docs/remote-env.md) until SIGINT or
 * SIGTERM (or `stop`, for tests); prints the URL clients give as `--env`.
 */
export async function envServerCommand(opts: EnvServerOptions, io: Io, stop?: AbortSignal): Promise<number> {
  let server: EnvServer;
  try {
    server = await serveEnv({ env: opts.env, params: taskParams(opts.env, opts.set), host: opts.host, port: opts.port ?? DEFAULT_PORT, token: opts.token, log: (l) => io.err(l) });
  } catch (e) {
    throw new UserError(e instanceof Error ? e.message : String(e));
  }
  const [h, w, c] = server.spec.observation.shape;
  io.out(`serving '${opts.env}' (${h}×${w}×${c} images, ${server.spec.action.dim}-D actions, horizon ${server.spec.horizon}) at ${server.url}`);
  io.out(`connect with: solar train --env ${server.url}${opts.token ? '?token=…' : ''}${server.host === '0.0.0.0' || server.host === '::' ? ' (with this machine\'s address for the host)' : ''}`);
  await untilStopped(stop);
  await server.close();
  io.out('env-server stopped');
  return 0;
}
