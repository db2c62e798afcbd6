import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Compiles bench/learn/ref-supervisor.c into `dir` with warnings as errors; returns its path. */
export function buildReferenceSupervisor(root: string, dir: string): string {
  const source = join(root, 'bench', 'learn', 'ref-supervisor.c');
  const binary = join(dir, 'ref-supervisor');
  const gcc = spawnSync('gcc', ['-O2', '-Wall', '-Werror', '-o', binary, source], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (gcc.error)
    throw new Error(`cannot run gcc (needed for the C reference): ${gcc.error.message}`);
  if (gcc.status !== 0) {
    throw new Error(`gcc could not build ${source}:\n${(gcc.stderr + gcc.stdout).trim()}`);
  }
  return binary;
}
