import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VERSION } from '../config/migrations.js';

let cached: string | null = null;

/** The package version, from the nearest package.json of this package (works from src and build). */
export function packageVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'solar-rl' && pkg.version) return (cached = pkg.version);
    }
    const up = dirname(dir);
    if (up === dir) return (cached = 'unknown');
    dir = up;
  }
}

/** What a run directory's config.json holds: the resolved config, its config version and the package version. */
export function configRecord<C extends object>(config: C): C & { config_version: number; version: string } {
  return { ...config, config_version: CONFIG_VERSION, version: packageVersion() };
}
