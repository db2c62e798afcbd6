import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A cgroup v2 per run, so that every process of the run (including double-forked daemons and
 * new sessions) can be found and killed at once with cgroup.kill (Linux 5.14+).
 */
export interface RunCgroup {
  readonly path: string;
  add(pid: number): void;
  /** SIGKILL every process in the cgroup. */
  killAll(): void;
  /** True while any process is left. */
  populated(): boolean;
  remove(): void;
}

function cgroup2Mount(): string | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    if (after.startsWith('cgroup2 ')) return before.split(' ')[4];
  }
  return undefined;
}

function ownCgroup(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'));
  return line ? line.slice(3) : '/';
}

/** Creates the run's cgroup, or explains why it cannot (no cgroup2, not permitted, no cgroup.kill). */
export function createRunCgroup(name: string): RunCgroup | { error: string } {
  const mount = cgroup2Mount();
  if (!mount) return { error: 'no cgroup2 file system is mounted' };
  const parent = join(mount, ownCgroup());
  const path = join(parent, name);
  try {
    mkdirSync(path);
  } catch (error) {
    return {
      error: `cannot create ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    };
  }
  if (!existsSync(join(path, 'cgroup.kill'))) {
    rmdirSync(path);
    return { error: 'this kernel has no cgroup.kill (Linux 5.14+)' };
  }
  return {
    path,
    add: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
    killAll: () => writeFileSync(join(path, 'cgroup.kill'), '1'),
    populated: () => /^populated 1$/m.test(readFileSync(join(path, 'cgroup.events'), 'utf8')),
    remove: () => {
      try {
        rmdirSync(path);
      } catch {
        // still populated for a moment after cgroup.kill; the next run's cleanup is not needed
      }
    },
  };
}
