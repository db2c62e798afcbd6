/**
 * The run's cgroup (native-bridge/linux/cgroup.ts), and moving the launcher into it without
 * blocking: a write to cgroup.procs waits for an RCU grace period (≈ 7–25 ms measured here), which
 * can overlap the launcher's own start-up instead of preceding it.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRunCgroup, type RunCgroup } from '../../native-bridge/linux/cgroup';

/** A fresh cgroup for one run, named after this process, or why there is none. */
export function newRunCgroup(): RunCgroup | { error: string } {
  return createRunCgroup(`sandbox-studio-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Moves process `pid` (all its threads) into the cgroup. */
export async function joinRunCgroup(cgroup: RunCgroup, pid: number): Promise<void> {
  await writeFile(join(cgroup.path, 'cgroup.procs'), String(pid));
}

/** Removes the cgroup once it is empty (its processes may take a moment to be reaped). */
export async function removeWhenEmpty(cgroup: RunCgroup, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts && cgroup.populated(); i++) {
    cgroup.killAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  cgroup.remove();
}
