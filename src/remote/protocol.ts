/**
 * The remote-environment protocol (docs/remote-env.md), version 1: what a client and a server
 * send each other over one WebSocket, as zod schemas, with the observation's byte layout and
 * the checks both ends apply. Browser-safe (no Node module): the client can run in a page.
 *
 * Control messages are JSON text frames; an observation travels as one binary frame right
 * after the `timestep` header that announces its size (`obs_bytes`).
 */
import { z } from 'zod';
import type { EnvSpec, TimeStep } from '../envs/types.js';
import { formatZodError } from '../util/zod.js';

/** Bumped on any change a peer of the previous version would misread. */
export const PROTOCOL_VERSION = 1;

/** The limits both ends enforce (docs/remote-env.md, "Limits"). */
export const LIMITS = {
  /** Largest message a client may send (actions are small): the server closes the connection (1009) past it. */
  clientMessageBytes: 64 * 1024,
  /** Largest observation image (H·W·C·4 bytes): 64 MiB, a 4096×4096×1 float image. */
  observationBytes: 64 * 1024 * 1024,
  /** Largest JSON message a server may send (a spec or a time step header). */
  serverTextBytes: 1024 * 1024,
  /** Largest action (components). */
  actionDim: 4096,
  /** Default seconds a client waits for each answer (connect and hello included). */
  requestTimeoutS: 30,
  /** Seconds a server waits for a new connection's hello before closing it. */
  helloTimeoutS: 30,
  /** Seconds between a server's pings; a connection that missed the previous pong is dropped. */
  heartbeatS: 30,
  /** Connections a server holds at once (one env each); more are refused with HTTP 503. */
  maxConnections: 64,
} as const;

/** The error codes a server replies with. */
export const ERROR_CODES = ['bad_json', 'bad_message', 'unsupported_protocol', 'not_opened', 'bad_action', 'env_error'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const requestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// z.number() refuses ±Infinity (JSON's 1e999); JSON itself has no NaN.
const finite = z.number();

// ---- client → server (strict: an unknown field is an error) ----

export const helloMessage = z.strictObject({
  type: z.literal('hello'),
  id: requestId,
  protocol: z.number().int(),
  /** false: the server makes its env without rendering, and time steps carry no image. */
  render: z.boolean().default(true),
});
export const resetMessage = z.strictObject({ type: z.literal('reset'), id: requestId, seed: z.number().int() });
export const stepMessage = z.strictObject({ type: z.literal('step'), id: requestId, action: z.array(finite).min(1).max(LIMITS.actionDim) });
export const clientMessage = z.discriminatedUnion('type', [helloMessage, resetMessage, stepMessage]);
export type ClientMessage = z.infer<typeof clientMessage>;

// ---- server → client (a client ignores fields it does not know) ----

const positiveInt = z.number().int().positive();

/** EnvSpec (envs/types.ts) as JSON: `action.low` and `action.high` are arrays. */
export const wireSpec = z
  .object({
    name: z.string().min(1),
    observation: z.object({ shape: z.tuple([positiveInt, positiveInt, positiveInt]) }),
    stateDim: positiveInt,
    stateLabels: z.array(z.string()),
    stateGroups: z.record(z.string(), z.array(z.number().int().min(0))),
    action: z.object({ dim: positiveInt.max(LIMITS.actionDim), low: z.array(finite), high: z.array(finite) }),
    horizon: positiveInt,
    cost: z.object({ kind: z.enum(['dense', 'sparse']), description: z.string(), actionWeight: finite.min(0) }),
    successDistance: finite.min(0),
  })
  .superRefine((s, ctx) => {
    const [h, w, c] = s.observation.shape;
    if (h * w * c * 4 > LIMITS.observationBytes) ctx.addIssue({ code: 'custom', path: ['observation', 'shape'], message: `${h}×${w}×${c} floats exceed the ${LIMITS.observationBytes}-byte image limit` });
    if (s.stateLabels.length !== s.stateDim) ctx.addIssue({ code: 'custom', path: ['stateLabels'], message: `has ${s.stateLabels.length} labels for stateDim ${s.stateDim}` });
    for (const [g, idx] of Object.entries(s.stateGroups)) if (idx.some((i) => i >= s.stateDim)) ctx.addIssue({ code: 'custom', path: ['stateGroups', g], message: `an index is not below stateDim ${s.stateDim}` });
    const { dim, low, high } = s.action;
    if (low.length !== dim || high.length !== dim) ctx.addIssue({ code: 'custom', path: ['action'], message: `low and high must have dim = ${dim} values` });
    else for (let i = 0; i < dim; i++) if (!(low[i] < high[i])) ctx.addIssue({ code: 'custom', path: ['action', 'low', i], message: `${low[i]} is not below high[${i}] = ${high[i]}` });
  });
export type WireSpec = z.infer<typeof wireSpec>;

export const specMessage = z.object({
  type: z.literal('spec'),
  id: requestId,
  protocol: z.number().int(),
  /** The serving program and its version, e.g. "solar-rl 0.1.0" (for messages only). */
  server: z.string(),
  /** The task's parameters as the server made it (for the record only). */
  params: z.record(z.string(), z.unknown()),
  spec: wireSpec,
});
export const timestepMessage = z.object({
  type: z.literal('timestep'),
  id: requestId,
  /** Steps taken in the episode: 0 after reset. */
  t: z.number().int().min(0),
  cost: finite,
  done: z.boolean(),
  info: z.object({ distance: finite, success: z.boolean() }),
  state: z.array(finite),
  /** Size of the binary frame that follows: H·W·C·4, or 0 (no frame follows) without rendering. */
  obs_bytes: z.number().int().min(0),
});
export const errorMessage = z.object({ type: z.literal('error'), id: requestId.nullable(), code: z.string(), message: z.string() });
export const serverMessage = z.discriminatedUnion('type', [specMessage, timestepMessage, errorMessage]);
export type SpecMessage = z.infer<typeof specMessage>;
export type TimestepMessage = z.infer<typeof timestepMessage>;
export type ErrorMessage = z.infer<typeof errorMessage>;
export type ServerMessage = z.infer<typeof serverMessage>;

/** One line per schema problem, joined: what a reply or an error says. */
export function schemaProblem(error: z.ZodError): string {
  return formatZodError(error).split('\n').join('; ');
}

/** Parses a text frame with `schema`: the message, or the error reply's code and line. */
export function parseMessage<T>(text: string, schema: z.ZodType<T>): { ok: true; message: T } | { ok: false; code: 'bad_json' | 'bad_message'; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, code: 'bad_json', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const r = schema.safeParse(json);
  return r.success ? { ok: true, message: r.data } : { ok: false, code: 'bad_message', message: schemaProblem(r.error) };
}

export function specToWire(spec: EnvSpec): WireSpec {
  return {
    name: spec.name,
    observation: { shape: [...spec.observation.shape] },
    stateDim: spec.stateDim,
    stateLabels: [...spec.stateLabels],
    stateGroups: Object.fromEntries(Object.entries(spec.stateGroups).map(([k, v]) => [k, [...v]])),
    action: { dim: spec.action.dim, low: Array.from(spec.action.low), high: Array.from(spec.action.high) },
    horizon: spec.horizon,
    cost: { kind: spec.cost.kind, description: spec.cost.description, actionWeight: spec.cost.actionWeight },
    successDistance: spec.successDistance,
  };
}

export function specFromWire(w: WireSpec): EnvSpec {
  return { ...w, observation: { shape: [...w.observation.shape] }, action: { dim: w.action.dim, low: Float64Array.from(w.action.low), high: Float64Array.from(w.action.high) } };
}

/** H·W·C·4: the bytes of a rendered observation. */
export function observationBytes(spec: EnvSpec): number {
  const [h, w, c] = spec.observation.shape;
  return h * w * c * 4;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The observation's bytes: float32 little-endian, H×W×C row-major (a view, no copy, on little-endian hosts). */
export function encodeObservation(obs: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(obs.buffer, obs.byteOffset, obs.byteLength);
  const out = new Uint8Array(obs.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < obs.length; i++) view.setFloat32(i * 4, obs[i], true);
  return out;
}

/** A binary frame back to a Float32Array (a fresh copy), or the problem when its size or a value (NaN, ±Infinity) is wrong. */
export function decodeObservation(bytes: Uint8Array): { values: Float32Array } | { problem: string } {
  if (bytes.byteLength % 4 !== 0) return { problem: `an image of ${bytes.byteLength} bytes, not a whole number of float32 values` };
  const values = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  }
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return { problem: `observation value ${i} is ${values[i]}` };
  return { values };
}

/**
 * The checks a client makes of a time step header against the spec (sizes, finiteness are
 * the schema's); the problem in a line, or null.
 */
export function timestepProblem(m: TimestepMessage, spec: EnvSpec, rendered: boolean): string | null {
  if (m.state.length !== spec.stateDim) return `a state of ${m.state.length} values; the spec's stateDim is ${spec.stateDim}`;
  const want = rendered ? observationBytes(spec) : 0;
  if (m.obs_bytes !== want) return `obs_bytes ${m.obs_bytes}; ${rendered ? `the spec's ${spec.observation.shape.join('×')} float32 image is ${want} bytes` : 'a client that asked for no rendering expects 0'}`;
  return null;
}

/** The time step a header and its image make (fresh arrays: the caller may keep them). */
export function toTimeStep(m: TimestepMessage, observation: Float32Array): TimeStep {
  return { observation, state: Float64Array.from(m.state), cost: m.cost, done: m.done, info: { distance: m.info.distance, success: m.info.success } };
}

/** The server's check of an action's length against the spec (the schema checked finiteness): the problem in a line, or null. */
export function actionProblem(action: readonly number[], spec: EnvSpec): string | null {
  if (action.length !== spec.action.dim) return `action has ${action.length} values; task '${spec.name}' takes ${spec.action.dim}`;
  return null;
}

/** `url` with its token replaced by `***`: what error lines and logs show. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1***');
}

/** Whether an env name is a remote task's URL. */
export function isRemoteUrl(name: string): boolean {
  return /^wss?:\/\/\S+$/.test(name);
}
