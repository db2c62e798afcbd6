/**
 * SupervisorSession: one run of a target under a policy. It spawns the launcher, takes the
 * seccomp listener fd out of it (pidfd_getfd), answers notifications in a worker thread, relays
 * stdout/stderr, and makes sure no process of the run outlives it (a cgroup per run, plus the
 * launcher's process group as a fallback). The worker loads while the launcher starts; with a
 * warm pool (warm-pool.ts) the launcher, its cgroup and the worker were started before the run.
 */
import type { ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Duplex } from 'node:stream';
import { compilePolicy } from '../../app/bpf/compile';
import { encodeProgram } from '../../app/bpf/encode';
import type { BpfProgram } from '../../app/bpf/program';
import { compileSupervisedFilter } from '../../app/bpf/supervise';
import { verifyProgram } from '../../app/bpf/verify';
import { errnoName } from '../../app/linux/errno';
import { signalName } from '../../app/linux/signals';
import type { ErrorEvent, ExitEvent, TraceEvent } from '../../app/trace/events';
import type { RunCgroup } from '../../native-bridge/linux/cgroup';
import { libc } from '../../native-bridge/linux/libc';
import { findFds, SECCOMP_LISTENER_LINK } from '../../native-bridge/linux/proc';
import { CONTROL_FD, type LaunchSpec, type LauncherMessage } from '../../native-bridge/launch-spec';
import { unpackedEntry } from '../paths';
import type { RunOutcome, SupervisorSession, SupervisorSessionOptions } from './types';
import { planLinuxLayers } from '../../app/sandbox/plan';
import type { LinuxLayerPlan } from '../../app/sandbox/layer-plan';
import {
  findLauncherPid,
  launcherInvocation,
  type LauncherInvocation,
} from '../../native-bridge/namespace-stage';
import { startEnforceAudit, type EnforceAudit } from './enforce-audit';
import { spawnLauncher } from './launcher-process';
import { joinRunCgroup, newRunCgroup, removeWhenEmpty } from './run-cgroup';
import { NotifyWorkerHandle } from './notify-worker-handle';
import { decodeSyscallRecords } from './syscall-records';
import type { WarmPool } from './warm-pool';
import { CONTROL, type NotifyWorkerData, type WorkerMessage } from './worker-protocol';

const FLUSH_MS = 16;
/** The most events one onEvents call gets. */
const MAX_BATCH = 4096;
const REORDER_MS = 60;
/** How long the worker may hold events while the target is quiet before it is woken to send them. */
const NUDGE_MS = 25;
const LISTENER_WAIT_MS = 10_000;
/** How long a target whose supervisor failed may run on (its notified syscalls fail) before it is killed. */
const UNSUPERVISED_GRACE_MS = 50;

/** The environment a target gets unless its policy says otherwise. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TERM', 'USER']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return env;
}

function compileVerified(program: BpfProgram, what: string): BpfProgram {
  const verdict = verifyProgram(program);
  if (!verdict.ok) {
    const first = verdict.errors[0];
    throw new Error(`the ${what} filter failed verification: ${first?.message}`);
  }
  return program;
}

/** Whether the plan asks for anything (the launcher skips the layers step otherwise). */
function hasLayers(plan: LinuxLayerPlan): boolean {
  return (
    plan.rlimits.length > 0 ||
    [plan.namespaces, plan.chroot, plan.landlock, plan.identity, plan.capabilities].some(
      (layer) => layer !== undefined,
    )
  );
}

class Session implements SupervisorSession {
  readonly done: Promise<RunOutcome>;
  private resolveDone!: (outcome: RunOutcome) => void;
  private readonly startEpochMs = performance.timeOrigin + performance.now();
  private pending: TraceEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private child: ChildProcess | undefined;
  private cgroup: RunCgroup | undefined;
  private worker: NotifyWorkerHandle | undefined;
  private nudgeTimer: NodeJS.Timeout | undefined;
  private lastWorkerBatch = 0;
  private invocation: LauncherInvocation | undefined;
  /** Enforce mode: the kernel's audit records of the run. */
  private audit: EnforceAudit | undefined;
  private listenerFd = -1;
  private readonly control = new SharedArrayBuffer(CONTROL.slots * 4);
  private readonly controlView = new Int32Array(this.control);
  private exit: ExitEvent | undefined;
  private denials = 0;
  private failure: string | undefined;
  private finished = false;
  private readonly waits: Promise<unknown>[] = [];

  constructor(
    private readonly options: SupervisorSessionOptions,
    private readonly warm: WarmPool | undefined,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    try {
      this.start();
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error), 'launcher');
      void this.finish();
    }
  }

  private now(): number {
    return (
      Math.round((performance.timeOrigin + performance.now() - this.startEpochMs) * 1000) / 1000
    );
  }

  private emit(events: readonly TraceEvent[]): void {
    for (const event of events) {
      if (event.type === 'denied') this.denials += 1;
      this.pending.push(event);
    }
    this.flushTimer ??= setTimeout(() => this.flush(false), FLUSH_MS);
  }

  /**
   * Deliver events in time order. The worker's events arrive up to a batch interval late, while
   * stdout and exit are seen at once on this thread; holding everything for REORDER_MS and sorting
   * by `t` puts an `exec` before the output it caused. `all` flushes everything (end of run).
   */
  private flush(all: boolean): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const sorted = this.pending.sort((a, b) => a.t - b.t);
    const horizon = all ? Number.POSITIVE_INFINITY : this.now() - REORDER_MS;
    let cut = sorted.length;
    while (cut > 0 && (sorted[cut - 1]?.t ?? 0) > horizon) cut -= 1;
    this.pending = sorted.slice(cut);
    if (this.pending.length > 0) this.flushTimer = setTimeout(() => this.flush(false), FLUSH_MS);
    // Bounded batches: a consumer may spread one into a call (push(...batch)), and after a busy
    // moment on this thread everything the worker sent meanwhile is due at once.
    for (let from = 0; from < cut; from += MAX_BATCH) {
      this.options.onEvents(sorted.slice(from, Math.min(cut, from + MAX_BATCH)));
    }
  }

  private fail(message: string, layer?: string, errno?: number): void {
    this.failure ??= message;
    const event: ErrorEvent = {
      type: 'error',
      t: this.now(),
      message,
      ...(layer ? { layer } : {}),
      ...(errno !== undefined ? { errno, errnoName: errnoName(errno) } : {}),
    };
    this.emit([event]);
  }

  private start(): void {
    const { policy, mode } = this.options;
    const command = this.options.command ?? policy.target?.command;
    if (!command || command.length === 0 || !command[0]) {
      throw new Error('no command to run: set target.command in the policy or pass -- CMD ARGS');
    }
    const deployed = compileVerified(compilePolicy(policy).program, 'deployed');
    const env = { ...baseEnvironment(), ...(policy.target?.env ?? {}) };
    const enforce = mode === 'enforce';
    const layers = planLinuxLayers(policy);
    // Enforce installs the policy exactly as deployed; learn and check, the supervised filter.
    const spec: LaunchSpec = {
      path: command[0],
      argv: [...command],
      env,
      ...(policy.target?.cwd !== undefined ? { cwd: policy.target.cwd } : {}),
      noNewPrivs: policy.linux.noNewPrivs,
      filter: Buffer.from(
        encodeProgram(
          enforce
            ? deployed
            : compileVerified(compileSupervisedFilter(policy).program, 'supervised'),
        ),
      ).toString('base64'),
      listener: !enforce,
      ...(enforce ? { log: true } : {}),
      ...(hasLayers(layers) ? { layers } : {}),
    };

    // Namespaces need a stage before the launcher (util-linux unshare): Node cannot unshare a
    // user namespace, being multi-threaded.
    this.invocation = launcherInvocation(
      process.execPath,
      unpackedEntry('launcher.mjs'),
      spec.layers,
    );
    // The worker loads while the launcher starts (or both were started ahead, in the warm pool).
    if (!enforce) this.prepareWorker();
    const warmLauncher = this.warm?.takeLauncher(this.invocation);
    const cgroup = warmLauncher ? warmLauncher.cgroup : newRunCgroup();
    if ('error' in cgroup) {
      // Without a cgroup, the process group still catches everything that does not setsid().
      this.emit([
        {
          type: 'error',
          severity: 'warning',
          t: this.now(),
          layer: 'cleanup',
          message: `no run cgroup (${cgroup.error}); processes that leave the process group may outlive the run`,
        },
      ]);
    } else {
      this.cgroup = cgroup;
    }
    const child = warmLauncher?.child ?? spawnLauncher(this.invocation);
    this.child = child;
    if (child.pid === undefined) throw new Error(`cannot start the launcher (${process.execPath})`);
    // A warm launcher is in its cgroup already; a cold one is moved while it starts up.
    const placed =
      this.cgroup && !warmLauncher ? joinRunCgroup(this.cgroup, child.pid) : Promise.resolve();
    this.waits.push(placed.catch(() => undefined));
    this.relayOutput(child);
    this.waits.push(new Promise((resolve) => child.once('close', resolve)));
    child.once('exit', (code, signal) => this.onLauncherExit(code, signal));
    child.once('error', (error) => this.fail(`launcher: ${error.message}`, 'launcher'));

    if (enforce) {
      this.audit = startEnforceAudit({
        ...(this.cgroup ? { cgroup: this.cgroup.path } : {}),
        pids: () => new Set([child.pid ?? 0]),
        deployed,
        now: () => this.now(),
        emit: (events) => this.emit(events),
      });
    }
    const control = child.stdio[CONTROL_FD] as Duplex;
    this.readControl(control, deployed, spec, mode);
    // The spec goes out once the launcher is in the run's cgroup: only then may the target start.
    placed.then(
      () => {
        if (!this.finished && !this.exit) control.write(`${JSON.stringify(spec)}\n`);
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.fail(`cannot move the launcher into the run's cgroup: ${reason}`, 'cleanup');
        this.killAll();
      },
    );
  }

  private relayOutput(child: ChildProcess): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[stream]?.on('data', (chunk: Buffer) => {
        const data = decoder.write(chunk);
        if (data) this.emit([{ type: stream, t: this.now(), data }]);
      });
      child[stream]?.on('end', () => {
        const rest = decoder.end();
        if (rest) this.emit([{ type: stream, t: this.now(), data: rest }]);
      });
    }
  }

  private readControl(
    control: Duplex,
    deployed: BpfProgram,
    spec: LaunchSpec,
    mode: SupervisorSessionOptions['mode'],
  ): void {
    let buffered = '';
    control.setEncoding('utf8');
    control.on('error', () => undefined); // EPIPE when the launcher is gone: seen as 'exit'
    control.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let message: LauncherMessage;
        try {
          message = JSON.parse(line) as LauncherMessage;
        } catch {
          this.fail(`unreadable message from the launcher: ${line.slice(0, 200)}`, 'launcher');
          continue;
        }
        if (message.kind === 'error') this.fail(message.message, message.layer, message.errno);
        else if (message.kind === 'warning') this.warn(message);
        else if (message.kind === 'installing-filter' && mode !== 'enforce') {
          this.takeListener(deployed, spec, mode);
        }
      }
    });
    // The control socket is close-on-exec: EOF without an error means the target was exec'd.
    // Learn and check see the exec in its notification; enforce has only this.
    control.on('end', () => {
      if (mode !== 'enforce' || this.failure !== undefined) return;
      const pid = this.child?.pid ?? 0;
      this.emit([{ type: 'exec', t: this.now(), pid, tid: pid, path: spec.path, argv: spec.argv }]);
    });
  }

  /** Poll /proc for the listener fd the launcher is about to get, then take a copy of it. */
  private takeListener(
    deployed: BpfProgram,
    spec: LaunchSpec,
    mode: SupervisorSessionOptions['mode'],
  ): void {
    const stagePid = this.child?.pid;
    const invocation = this.invocation;
    if (stagePid === undefined || !invocation) return;
    const deadline = Date.now() + LISTENER_WAIT_MS;
    const attempt = (): void => {
      if (this.finished || this.exit) return;
      // With a pid namespace, the launcher is the stage's child, not the process spawned.
      const pid = findLauncherPid(stagePid, invocation);
      const [fd] =
        pid === undefined ? [] : findFds(pid, (target) => target === SECCOMP_LISTENER_LINK);
      if (pid === undefined || fd === undefined) {
        if (Date.now() > deadline) {
          this.fail('the launcher installed no seccomp listener in time', 'seccomp');
          this.killAll();
        } else setTimeout(attempt, 1);
        return;
      }
      const c = libc();
      const pidfd = c.pidfdOpen(pid, 0);
      if (pidfd < 0) {
        this.fail(
          `pidfd_open(${pid}) failed: ${errnoName(c.lastErrno())}`,
          'supervisor',
          c.lastErrno(),
        );
        this.killAll();
        return;
      }
      const listener = c.pidfdGetfd(pidfd, fd, 0);
      const getfdErrno = c.lastErrno();
      c.close(pidfd);
      if (listener < 0) {
        this.fail(`pidfd_getfd failed: ${errnoName(getfdErrno)}`, 'supervisor', getfdErrno);
        this.killAll();
        return;
      }
      this.listenerFd = listener;
      this.startWorker({
        listenerFd: listener,
        mode,
        program: deployed,
        startEpochMs: this.startEpochMs,
        launcherPid: pid,
        targetPath: spec.path,
        targetArgv: spec.argv,
        control: this.control,
        ...(this.options.faultInjection ? { faultInjection: this.options.faultInjection } : {}),
      });
    };
    attempt();
  }

  /** A best-effort layer that could not be applied: said, and the run goes on. */
  private warn(report: { layer: string; message: string; errno?: number }): void {
    this.emit([
      {
        type: 'error',
        severity: 'warning',
        t: this.now(),
        layer: report.layer,
        message: report.message,
        ...(report.errno !== undefined
          ? { errno: report.errno, errnoName: errnoName(report.errno) }
          : {}),
      },
    ]);
  }

  /** The notification worker of this run, loading until `startWorker` hands it the listener. */
  private prepareWorker(): void {
    const worker = this.warm?.takeWorker() ?? new NotifyWorkerHandle();
    this.worker = worker;
    worker.listen({
      message: (message) => this.onWorkerMessage(message),
      crashed: (error) => this.supervisorFailed(`supervisor worker crashed: ${error.message}`),
    });
  }

  private onWorkerMessage(message: Exclude<WorkerMessage, { kind: 'ready' }>): void {
    if (message.kind === 'events') {
      this.lastWorkerBatch = performance.now();
      this.emit(message.events);
      if (message.records) this.emit(decodeSyscallRecords(message.records));
      // Room for the worker to send another batch.
      Atomics.add(this.controlView, CONTROL.taken, 1);
      Atomics.notify(this.controlView, CONTROL.taken);
    } else if (message.kind === 'failed') {
      this.supervisorFailed(`supervisor: ${message.message}`);
    } else if (message.kind === 'warning') {
      this.warn({ layer: 'supervisor', message: message.message });
    }
  }

  private startWorker(workerData: NotifyWorkerData): void {
    const worker = this.worker;
    if (!worker) return;
    worker.start(workerData);
    this.waits.push(worker.runDone);
    // The worker blocks in RECV between notifications: when the target goes quiet, what it holds
    // would wait for the next notification, so it is woken to send it.
    this.lastWorkerBatch = performance.now();
    this.nudgeTimer = setInterval(() => {
      if (performance.now() - this.lastWorkerBatch >= NUDGE_MS) worker.nudge();
    }, NUDGE_MS);
    this.nudgeTimer.unref();
    void worker.runDone.then(() => clearInterval(this.nudgeTimer));
  }

  /**
   * Nothing answers the target's notifications any more. Closing our listener fd (the only one)
   * makes the kernel fail its pending and later notified syscalls with ENOSYS, so it never hangs;
   * a moment later the run's processes are killed, since they would run unsupervised.
   */
  private supervisorFailed(message: string): void {
    this.fail(message, 'supervisor');
    this.closeListener();
    setTimeout(() => this.killAll(), UNSUPERVISED_GRACE_MS);
  }

  private onLauncherExit(code: number | null, signal: NodeJS.Signals | null): void {
    const pid = this.child?.pid ?? 0;
    const signalNumber = signal ? osConstants.signals[signal] : undefined;
    // Sent at the very end, after every event the worker still delivers about this process.
    this.exit = {
      type: 'exit',
      t: this.now(),
      pid,
      code,
      signal: signalNumber !== undefined ? signalName(signalNumber) : signal,
    };
    // The run ends with its first process: whatever it left behind goes too.
    this.killAll();
    void this.finish();
  }

  private killAll(): void {
    try {
      this.cgroup?.killAll();
    } catch {
      // fall through to the process group
    }
    const pid = this.child?.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    }
  }

  private closeListener(): void {
    if (this.listenerFd >= 0) libc().close(this.listenerFd);
    this.listenerFd = -1;
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    // The worker's RECV returns once every filtered task is gone; stop it anyway if it lingers.
    const stopLater = setTimeout(() => this.worker?.stop(), 2000);
    await Promise.all(this.waits);
    clearTimeout(stopLater);
    await this.releaseWorker();
    await this.audit?.stop(
      this.exit !== undefined && (this.exit.code !== 0 || this.exit.signal !== null),
    );
    this.closeListener();
    if (this.cgroup) await removeWhenEmpty(this.cgroup);
    if (this.exit) this.emit([this.exit]);
    this.flush(true);
    this.resolveDone({
      exit: this.exit,
      denials: this.denials,
      ...(this.failure ? { failure: this.failure } : {}),
    });
  }

  /**
   * After the run: a worker that can serve again goes back to the warm pool (its compiled code
   * stays warm); any other ends, and is waited for (it holds descriptors of its own).
   */
  private async releaseWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    if (this.warm && worker.available) return this.warm.giveBack(worker);
    worker.cancel();
    await worker.exited;
  }

  async stop(): Promise<RunOutcome> {
    this.killAll();
    this.worker?.stop();
    return this.done;
  }
}

/**
 * Starts one run. With `warm`, the run takes its launcher and worker from the pool when it can
 * (the studio keeps one of each ready between runs).
 */
export function startSupervisorSession(
  options: SupervisorSessionOptions,
  warm?: WarmPool,
): SupervisorSession {
  return new Session(options, warm);
}
