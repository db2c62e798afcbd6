import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the nearest folder above this module whose package.json is ours. Works from
 * the sources (tests) and from the bundles in dist/main alike.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'sandbox-studio') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sandbox-studio project root');
    dir = parent;
  }
}

/** A bundled entry in dist/main (launcher.mjs, notify-worker.mjs, ...); throws if not built. */
export function builtEntry(file: string): string {
  const path = join(projectRoot(), 'dist', 'main', file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}

export function rendererDir(): string {
  return join(projectRoot(), 'dist', 'renderer');
}
