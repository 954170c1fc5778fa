import { envEntry, listEnvs, makeEnv } from '../envs/registry.js';
import type { EnvSpec } from '../envs/types.js';
import { encodePng } from '../run/images.js';
import { RunDir } from '../run/run-dir.js';
import type { Io } from './io.js';

function describe(spec: EnvSpec) {
  return {
    name: spec.name,
    observation: spec.observation.shape.join('×'),
    state_dim: spec.stateDim,
    action: `${spec.action.dim} in [${Array.from(spec.action.low).join(', ')}]..[${Array.from(spec.action.high).join(', ')}]`,
    horizon: spec.horizon,
    cost: `${spec.cost.kind}: ${spec.cost.description}`,
    success: `distance ≤ ${spec.successDistance}`,
  };
}

/** `solar envs`: the tasks with their specs; with --out, also envs.json and a first frame per task. */
export async function envsCommand(opts: { seed: number; out?: string; force?: boolean }, io: Io): Promise<number> {
  const rows: ReturnType<typeof describe>[] = [];
  const dir = opts.out ? RunDir.create(opts.out, { force: opts.force }) : null;
  const specs: Record<string, unknown> = {};
  for (const entry of listEnvs()) {
    const env = await makeEnv(entry.name);
    try {
      rows.push(describe(env.spec));
      specs[entry.name] = { ...env.spec, action: { ...env.spec.action, low: Array.from(env.spec.action.low), high: Array.from(env.spec.action.high) }, description: envEntry(entry.name).description };
      if (dir) {
        const ts = await env.reset(opts.seed);
        const [height, width, channels] = env.spec.observation.shape;
        dir.writeFile(`${entry.name}.png`, encodePng({ data: ts.observation, height, width, channels }, 4));
      }
    } finally {
      env.close();
    }
  }
  const cols = Object.keys(rows[0]) as (keyof (typeof rows)[0])[];
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  io.out(line(cols.map(String)));
  for (const r of rows) io.out(line(cols.map((c) => String(r[c]))));
  if (dir) {
    dir.writeJson('envs.json', specs);
    dir.release();
    io.out(`wrote ${dir.display()}/ (envs.json and a first frame per task, seed ${opts.seed})`);
  }
  return 0;
}
