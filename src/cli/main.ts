/** The `solar` command: thin wiring of the run jobs to a command line. */
import { Command, CommanderError } from 'commander';
import { registerCompare } from './compare-command.js';
import { envsCommand } from './envs-command.js';
import { envServerCommand } from './env-server-command.js';
import { evalCommand } from './eval-command.js';
import { processIo, type Io } from './io.js';
import { collect, givenOptions, intOption, withEnvModule, withListenOptions, withRunOptions } from './options.js';
import { loadEnvModules } from '../run/env-module.js';
import { modelCommand } from './model-command.js';
import { rolloutCommand } from './rollout-command.js';
import { trainCommand } from './train-command.js';
import { watchCommand } from './watch-command.js';
import { packageVersion } from '../run/version.js';
import { isRemoteUrl } from '../remote/protocol.js';
import { enableRemoteEnvs, probeRemoteEnv } from '../remote/remote-tasks.js';

function buildProgram(io: Io, done: (p: Promise<number>) => void): Command {
  const program = new Command('solar')
    .description('SOLAR: model-based reinforcement learning from pixels (Zhang, Vikram et al., ICML 2019)')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run solar --help for usage)');

  // Users' own tasks (--env-module) are registered before any command looks a task up.
  program.hook('preAction', async (_program, action) => {
    const files = (action.opts() as { envModule?: string[] }).envModule;
    if (files && files.length > 0) await loadEnvModules(files);
    // A task served by `solar env-server` is named by its URL (docs/remote-env.md); a given
    // one is checked to answer before the command makes a run directory.
    enableRemoteEnvs();
    const env = (action.opts() as { env?: unknown }).env;
    if (typeof env === 'string' && isRemoteUrl(env) && action.name() !== 'env-server') await probeRemoteEnv(env);
  });

  const envs = program
    .command('envs')
    .description('list the tasks with their specs; with --out, also write envs.json and a first frame of each')
    .option('--seed <n>', 'seed of the first frames written with --out', intOption('--seed'), 0)
    .option('--out <dir>', 'directory to write envs.json and the frames to')
    .option('--force', 'replace a previous run directory at --out');
  withEnvModule(envs).action((o) => done(envsCommand(o, io)));

  const rollout = program
    .command('rollout')
    .description('run a random policy u ~ N(0, std²) on a task; write PNG frames, a GIF per episode and episodes.jsonl')
    .option('--env <name>', 'task name (see solar envs)', 'nav2d')
    .option('--episodes <n>', 'number of episodes', intOption('--episodes', { min: 1 }), 4);
  withRunOptions(withEnvModule(rollout), 'run directory (default runs/rollout-<env>-random-s<seed>)', 'env.target=-0.1,-0.1 or policy.std=0.3').action((o) => done(rolloutCommand(o, io)));

  const train = program
    .command('train')
    .description('learn a task; writes config.json, metrics.jsonl, summary.json, a learning curve, the policy and GIFs')
    .option('--env <name>', 'task name (see solar envs)', 'nav2d')
    .option('--method <name>', 'solar, vae or mpc (from pixels), ppo (state or pixels), lqrflm (from the true state)', 'solar')
    .option('--obs <kind>', 'observations: state or pixels (default: what the method uses)')
    .option('--preset <name>', 'default (our tuned values), paper (the paper\'s values) or quick (small, for a first look)', 'default')
    .option('--iterations <n>', 'training iterations (agent.iterations)', intOption('--iterations', { min: 1 }))
    .option('--rollouts <n>', 'rollouts per iteration (agent.rollouts)', intOption('--rollouts', { min: 1 }))
    .option('--resume <dir>', 'continue a killed or interrupted run (any method) from its last checkpoint (pretraining included); its config.json decides every setting')
    .option('--pretrained-from <dir>', "start from another solar, vae or mpc run's pretrained model instead of pretraining (same task, model and pretraining settings and seed)")
    .option('--threads <n>', 'threads training the model (default: the cores, at most model.batch_shards); the result does not depend on it', intOption('--threads', { min: 1 }))
    .option('--label <who>', "sparse tasks, solar and vae: who says whether each rollout succeeded (agent.labels): task (the task's signal at every step; default), final (the task's, at each rollout's end only) or human (a person at each rollout's end: the page of solar serve, or keys in this terminal)");
  withRunOptions(withEnvModule(train), 'run directory (default runs/train-<env>-<method>-<obs>-s<seed>)', 'agent.kl_step=0.5 or env.target=-0.1,-0.1').action((o, cmd: Command) => done(trainCommand({ ...o, given: givenOptions(cmd) }, io)));

  const model = program
    .command('model')
    .description('train the structured latent model (or the VAE ablation) on random rollouts; writes metrics, summary.json with held-out R², checkpoints and pictures')
    .option('--env <name>', 'task name (see solar envs)', 'nav2d')
    .option('--prior <kind>', 'lds (linear dynamical system, SOLAR) or normal (N(0, I) per frame, the VAE ablation)')
    .option('--rollouts <n>', 'training rollouts of the random policy', intOption('--rollouts', { min: 1 }))
    .option('--steps <n>', 'training steps', intOption('--steps', { min: 0 }))
    .option('--resume <dir>', 'continue a killed model run from its latest checkpoint');
  withRunOptions(withEnvModule(model), 'run directory (default runs/model-<env>-<prior>-s<seed>)', 'model.latent_dim=6 or backend=cpu').action((o) => done(modelCommand(o, io)));

  const evalCmd = program
    .command('eval')
    .description("evaluate a finished run's final policy on more fresh episodes (its own evaluation's are the first); writes evaluation-<n>.json")
    .argument('<dir>', 'the run directory')
    .option('--episodes <n>', 'evaluation episodes', intOption('--episodes', { min: 1 }), 100);
  withEnvModule(evalCmd).action((d, o) => done(evalCommand(d, o, io)));

  const watch = program
    .command('watch')
    .description("write a GIF of a finished run's final policy on its first evaluation episodes: camera (and decoded latent), step, distance, success, the task's colours")
    .argument('<dir>', 'the run directory')
    .option('--episodes <n>', 'episodes to film', intOption('--episodes', { min: 1 }), 3)
    .option('--out <file>', 'the GIF to write (default <dir>/watch.gif)');
  withEnvModule(watch).action((d, o) => done(watchCommand(d, o, io)));

  const envServer = withListenOptions(
    program
      .command('env-server')
      .description('serve a task over a WebSocket (docs/remote-env.md), so that any solar command can use it as --env ws://HOST:PORT/')
      .requiredOption('--env <name>', 'task name (see solar envs)'),
    8765, 'required of every client (ws://HOST:PORT/?token=SECRET, or SOLAR_ENV_TOKEN)',
  ).option('--set <key=value>', 'a task parameter, e.g. env.horizon=100 (repeatable)', collect, []);
  withEnvModule(envServer).action((o) => done(envServerCommand(o, io)));

  withListenOptions(
    program
      .command('serve')
      .description('a local web app for the runs under a folder: start, stop and resume runs, follow one live (metrics, learning curve, the latest rollout, config), label rollouts for --label human')
      .option('--runs <dir>', 'folder of run directories (searched 3 levels deep, e.g. runs/x and runs/compare-y/runs/z)', 'runs'),
    7860, 'required of every request (http://HOST:PORT/?token=SECRET, or Authorization: Bearer SECRET)',
  )
    // Loaded on use: the web server's modules stay out of every other command's start-up.
    .action((o) => done(import('./serve-command.js').then((m) => m.serveCommand(o, io))));

  registerCompare(program, io, done);

  return program;
}

/** Runs the CLI on `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let job: Promise<number> | null = null;
  const program = buildProgram(io, (p) => (job = p));
  try {
    await program.parseAsync([...argv]);
    return job ? await job : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    io.err(`solar: error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
