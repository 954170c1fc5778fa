/**
 * Tasks named by a URL in Node: `--env ws://HOST:PORT/` (or a run's saved env.name) is made by
 * connecting to `solar env-server` there, with the `ws` package (Node 20 has no global
 * WebSocket). `enableRemoteEnvs()` installs this in the registry; the CLI and each compare
 * worker call it, so `train`, `--resume`, `eval`, `watch` and `compare` all take such a name.
 * A remote task has one parameter, `render`; the rest are the server's (`--set` there).
 */
import WebSocket from 'ws';
import { z } from 'zod';
import { setRemoteTaskMaker, type TaskDefinition } from '../envs/registry.js';
import type { EnvSpec } from '../envs/types.js';
import { isRemoteUrl, LIMITS, redactUrl } from './protocol.js';
import { connectRemoteEnv, type SocketLike } from './remote-env.js';

/** A `ws` client socket within the protocol's limits. */
export function nodeSocket(url: string): SocketLike {
  return new WebSocket(url, { maxPayload: LIMITS.observationBytes + LIMITS.serverTextBytes, perMessageDeflate: false }) as unknown as SocketLike;
}

/** The token when the URL has none: from the environment, so it stays out of a run's config.json. */
const envToken = (): string | undefined => process.env.SOLAR_ENV_TOKEN || undefined;

export function remoteTask(url: string): TaskDefinition {
  return {
    name: url,
    description: `a task served at ${redactUrl(url)} (solar env-server)`,
    params: z.object({ render: z.boolean().default(true) }),
    create: (p) => connectRemoteEnv(url, { render: p.render as boolean, socket: nodeSocket, token: envToken() }),
  };
}

/** Lets the registry make ws:// and wss:// tasks in this thread. */
export function enableRemoteEnvs(): void {
  setRemoteTaskMaker(remoteTask);
}

/** Connects once and returns the spec: a command checks the server answers before it creates a run directory. */
export async function probeRemoteEnv(url: string): Promise<EnvSpec> {
  if (!isRemoteUrl(url)) throw new Error(`'${url}' is not a ws:// or wss:// URL`);
  const env = await connectRemoteEnv(url, { render: false, socket: nodeSocket, token: envToken() });
  env.close();
  return env.spec;
}
