import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
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

/**
 * A bundled entry that runs outside Electron's main process: the launcher (the app's binary as
 * Node) and the notification worker. In a packaged app these are read from their copies next to
 * app.asar (electron-builder.yml unpacks them): Node's ESM loader in a worker thread or in
 * RunAsNode mode cannot be relied on to read inside the archive.
 */
export function unpackedEntry(file: string): string {
  const path = outsideAsar(join(projectRoot(), 'dist', 'main', file));
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}

/** A path inside app.asar as the path of its unpacked copy; other paths unchanged. */
export function outsideAsar(path: string, separator: string = sep): string {
  const inside = `${separator}app.asar${separator}`;
  const at = path.indexOf(inside);
  if (at < 0) return path;
  return `${path.slice(0, at)}${separator}app.asar.unpacked${separator}${path.slice(at + inside.length)}`;
}

export function rendererDir(): string {
  return join(projectRoot(), 'dist', 'renderer');
}
