/**
 * One launcher process and one notification worker started ahead of the next run, so that a run
 * started from the studio does not wait for Node to start the launcher (≈ 100 ms here) and for the
 * worker to load (≈ 70 ms). The CLI's single run has nothing to gain from it and does not use it.
 *
 * A warm launcher is exactly the process a cold run spawns (launcher-process.ts): same executable,
 * script, stdio and environment, and nothing of the policy is known when it starts, because it
 * blocks reading its LaunchSpec on fd 3 and applies everything the policy asks for after that. The
 * run adopts its pipes (the target's stdout and stderr, fresh for every launcher) and the cgroup
 * the pool made for it and moved it into (moving a process takes an RCU grace period, ≈ 7–25 ms
 * here). Runs whose launcher starts behind the namespace stage (unshare) take a cold one.
 *
 * An idle launcher ends by itself when the studio goes away (EOF on fd 3 before a spec); `dispose`
 * ends both at once.
 */
import type { ChildProcess } from 'node:child_process';
import type { RunCgroup } from '../../native-bridge/linux/cgroup';
import { launcherInvocation, type LauncherInvocation } from '../../native-bridge/namespace-stage';
import { unpackedEntry } from '../paths';
import {
  killLauncherGroup,
  launcherEnded,
  setLauncherRef,
  spawnLauncher,
} from './launcher-process';
import { NotifyWorkerHandle } from './notify-worker-handle';
import { joinRunCgroup, newRunCgroup, removeWhenEmpty } from './run-cgroup';

/** A launcher waiting for its spec, already in the cgroup of the run that will take it. */
export interface WarmLauncher {
  readonly child: ChildProcess;
  readonly cgroup: RunCgroup | { error: string };
}

interface PooledLauncher extends WarmLauncher {
  readonly closed: Promise<unknown>;
  /** Settles when the move into the cgroup has ended, either way. */
  joined: Promise<unknown>;
  /** Set once the launcher is in its cgroup (or there is none): only then is it handed out. */
  ready: boolean;
  discarded: boolean;
}

export class WarmPool {
  private launcher: PooledLauncher | undefined;
  private worker: NotifyWorkerHandle | undefined;
  /** Workers told to end that dispose waits for. */
  private readonly ending = new Set<Promise<unknown>>();
  private disposed = false;
  private readonly plain: LauncherInvocation = launcherInvocation(
    process.execPath,
    unpackedEntry('launcher.mjs'),
  );

  /** The idle launcher's pid (for inspection: tests, diagnostics). */
  get launcherPid(): number | undefined {
    return this.launcher?.child.pid;
  }

  /** Whether a worker is waiting for the next run. */
  get hasWorker(): boolean {
    return this.worker !== undefined;
  }

  /** Starts whatever is missing. Call it when the machine is idle (not while a run runs). */
  fill(): void {
    if (this.disposed) return;
    if (!this.launcher) this.launcher = this.spawnIdle();
    if (!this.worker) {
      this.worker = new NotifyWorkerHandle();
      this.worker.setRef(false);
    }
  }

  /** A launcher and its cgroup (made and joined off the run's critical path), waiting unreferenced. */
  private spawnIdle(): PooledLauncher {
    const child = spawnLauncher(this.plain);
    setLauncherRef(child, false);
    const cgroup = newRunCgroup();
    const pooled: PooledLauncher = {
      child,
      cgroup,
      // 'error' without 'close' when the launcher could not be spawned at all.
      closed: new Promise((resolve) => {
        child.once('close', resolve);
        child.once('error', resolve);
      }),
      joined: Promise.resolve(),
      ready: 'error' in cgroup,
      discarded: false,
    };
    if (child.pid === undefined) this.discard(pooled);
    else if (!('error' in cgroup)) {
      pooled.joined = joinRunCgroup(cgroup, child.pid).then(
        () => (pooled.ready = true),
        () => this.discard(pooled), // a launcher outside its cgroup is no use
      );
    }
    return pooled;
  }

  /**
   * The warm launcher with its cgroup, if one is alive, in its cgroup, and `invocation` is the
   * plain one; both are the caller's now.
   */
  takeLauncher(invocation: LauncherInvocation): WarmLauncher | undefined {
    const plain = this.plain;
    const same =
      invocation.file === plain.file &&
      !invocation.forks &&
      invocation.args.length === plain.args.length &&
      invocation.args.every((arg, i) => arg === plain.args[i]);
    const launcher = this.launcher;
    if (!same || !launcher?.ready) return undefined;
    this.launcher = undefined;
    if (launcherEnded(launcher.child)) {
      this.discard(launcher);
      return undefined;
    }
    setLauncherRef(launcher.child, true);
    return { child: launcher.child, cgroup: launcher.cgroup };
  }

  /** Kills a pooled launcher and removes its cgroup once it is empty. */
  private discard(launcher: PooledLauncher): void {
    if (this.launcher === launcher) this.launcher = undefined;
    if (launcher.discarded) return;
    launcher.discarded = true;
    setLauncherRef(launcher.child, true);
    killLauncherGroup(launcher.child);
    const cgroup = launcher.cgroup;
    // The move into the cgroup may still be under way (its file is open until it ends).
    const gone = Promise.all([launcher.closed, launcher.joined]).then(() =>
      'error' in cgroup ? undefined : removeWhenEmpty(cgroup),
    );
    this.ending.add(gone);
    void gone.then(() => this.ending.delete(gone));
  }

  /** The warm worker, if it is alive; it is the caller's now. */
  takeWorker(): NotifyWorkerHandle | undefined {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker || worker.ended) return undefined;
    worker.setRef(true);
    return worker;
  }

  /**
   * A worker whose run ended cleanly, back for the next run: it replaces a fresh one (its compiled
   * code is warm); the pool keeps one.
   */
  giveBack(worker: NotifyWorkerHandle): void {
    const spare = this.worker;
    if (this.disposed || !worker.available) {
      this.end(worker);
      return;
    }
    worker.recycle();
    worker.setRef(false);
    this.worker = worker;
    if (spare && spare !== worker) this.end(spare);
  }

  private end(worker: NotifyWorkerHandle): void {
    worker.setRef(true);
    worker.cancel();
    const exited = worker.exited;
    this.ending.add(exited);
    void exited.then(() => this.ending.delete(exited));
  }

  /** Ends the idle launcher and worker; the pool starts nothing afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    // Referenced again (in discard and end), so that the process waits for the ends awaited here.
    if (this.launcher) this.discard(this.launcher);
    if (this.worker) this.end(this.worker);
    this.worker = undefined;
    await Promise.all([...this.ending]);
  }
}
