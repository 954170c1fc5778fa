/**
 * Loads the official MuJoCo WebAssembly build (`mujoco-js`) once per process and compiles
 * MJCF models from strings through its in-memory file system.
 */
import loadMujoco, { type MainModule, type MjModel } from 'mujoco-js';

let instance: Promise<MainModule> | null = null;
let fileCounter = 0;

export function mujoco(): Promise<MainModule> {
  instance ??= loadMujoco();
  return instance;
}

/** Compiles an MJCF document; the error names the model when MuJoCo rejects it. */
export async function modelFromXml(xml: string, name: string): Promise<{ mj: MainModule; model: MjModel }> {
  const mj = await mujoco();
  const path = `/solar-${name}-${fileCounter++}.xml`;
  const fs = (mj as unknown as { FS: { writeFile(p: string, d: string): void; unlink(p: string): void } }).FS;
  fs.writeFile(path, xml);
  try {
    const model = mj.MjModel.loadFromXML(path);
    if (!model) throw new Error(`MuJoCo could not compile the ${name} model`);
    return { mj, model };
  } catch (e) {
    throw new Error(`MuJoCo could not compile the ${name} model: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    fs.unlink(path);
  }
}
