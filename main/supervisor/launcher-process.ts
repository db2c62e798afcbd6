import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { LauncherInvocation } from '../../native-bridge/namespace-stage';

/**
 * Starts the launcher (or its namespace stage). Nothing of the run is known yet: the launcher
 * waits for its LaunchSpec on fd 3, so the same process serves a run started now or later (the
 * warm pool). stdout and stderr become the target's; stdin is /dev/null.
 */
export function spawnLauncher(invocation: LauncherInvocation): ChildProcess {
  const child = spawn(invocation.file, [...invocation.args], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
    // Electron runs the launcher as plain Node; nothing else of the studio's environment leaks.
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  // Until a run takes it, an error (e.g. the executable vanished) is only an exit.
  child.on('error', () => undefined);
  return child;
}

/** Whether the launcher has ended (its exit was seen, or it never started). */
export function launcherEnded(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

/**
 * Whether the launcher and its pipes keep this process alive. A warm launcher waiting in the pool
 * must not (the studio can exit with one idle: it then reads EOF on fd 3 and exits itself).
 */
export function setLauncherRef(child: ChildProcess, ref: boolean): void {
  if (ref) child.ref();
  else child.unref();
  for (const stream of child.stdio) {
    const socket = stream as Partial<Pick<Socket, 'ref' | 'unref'>> | null;
    if (ref) socket?.ref?.();
    else socket?.unref?.();
  }
}

/** Kills the launcher's process group (it is the group's leader: spawned detached). */
export function killLauncherGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}
