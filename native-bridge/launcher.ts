/**
 * The launcher: a short-lived Node process that applies a compiled policy to itself and execs the
 * target. It receives a LaunchSpec on its control socket (fd 3), applies each layer in order and
 * stops at the first failure with an `error` message naming the layer and errno (fail closed).
 * The Linux layers (namespaces, Landlock, chroot, rlimits, identity, capabilities) are applied by
 * linux/layers/apply-layers.ts, whose header gives the order and the reasons; then the executable is
 * resolved (inside a chroot, as the new user), then no_new_privs, Landlock's restrict_self, seccomp.
 *
 * The seccomp filter binds only this (main) thread because there is no TSYNC: Node's other threads
 * stay unfiltered and die at execve. seccomp() and execve() are two koffi calls back to back, so no
 * syscall runs on this thread in between; the execve itself is a user notification in learn and
 * check modes, and blocks until the supervisor has taken the listener fd with pidfd_getfd.
 */
import { accessSync, constants as fsConstants, readSync, statSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { errnoByName, errnoName } from '../app/linux/errno';
import { FCNTL, PRCTL, SECCOMP } from '../app/linux/constants';
import { signalNumber } from '../app/linux/signals';
import { libc, type Libc } from './linux/libc';
import { applyLayers, LayerFailure, type AppliedLayers } from './linux/layers/apply-layers';
import { CONTROL_FD, LaunchSpec, type LauncherMessage } from './launch-spec';
import { readNamespaceStage } from './namespace-stage';
import { setRlimit } from './linux/layers/rlimits';
import type { RlimitPlan } from '../app/sandbox/layer-plan';

function send(message: LauncherMessage): void {
  writeSync(CONTROL_FD, `${JSON.stringify(message)}\n`);
}

class LayerError extends Error {
  constructor(
    readonly layer: string,
    message: string,
    readonly errno?: number,
  ) {
    super(message);
  }
}

function readSpec(): LaunchSpec {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(65536);
  for (;;) {
    const n = readSync(CONTROL_FD, buffer);
    if (n === 0) throw new LayerError('spec', 'the supervisor closed the control socket');
    const chunk = buffer.subarray(0, n);
    const newline = chunk.indexOf(10);
    chunks.push(Buffer.from(newline >= 0 ? chunk.subarray(0, newline) : chunk));
    if (newline >= 0) break;
  }
  const parsed = LaunchSpec.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  if (!parsed.success) throw new LayerError('spec', `invalid launch spec: ${parsed.error.message}`);
  return parsed.data;
}

/** Throws a LayerError with the current errno when a sandboxing call returned a failure. */
function check(c: Libc, layer: string, result: number, what: string): void {
  if (result < 0) {
    const errno = c.lastErrno();
    throw new LayerError(layer, `${what} failed: ${errnoName(errno)}`, errno);
  }
}

/** execvp's lookup, done before the filter so that a missing program fails closed and clearly. */
function resolveExecutable(file: string, env: Record<string, string>): string {
  const candidates = file.includes('/')
    ? [file]
    : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
        .split(delimiter)
        .map((dir) => join(dir || '.', file));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // try the next PATH entry
    }
  }
  throw new LayerError(
    'exec',
    `${file}: not found or not executable`,
    errnoByName('ENOENT')?.value,
  );
}

function encodeFprog(c: Libc, filter: Buffer): { fprog: Buffer; keepAlive: Buffer } {
  const fprog = Buffer.alloc(16);
  fprog.writeUInt16LE(filter.length / 8, 0);
  fprog.writeBigUInt64LE(c.address(filter), 8);
  return { fprog, keepAlive: filter };
}

/** The Linux layers up to capabilities; NOFILE limits that must wait are handed to the supervisor. */
function applySpecLayers(spec: LaunchSpec, parentPid: number): AppliedLayers | undefined {
  if (!spec.layers) return undefined;
  const namespaceStage = readNamespaceStage(process.argv);
  const applied = applyLayers(spec.layers, {
    send,
    listener: spec.listener && spec.filter !== undefined,
    parentPid,
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
    ...(namespaceStage ? { namespaceStage } : {}),
  });
  return applied;
}

/**
 * RLIMIT_NOFILE would have stopped seccomp() from making the listener fd, so it is set after the
 * filter, on this thread, right before execve. These calls reach the supervisor, which lets the
 * launcher's own calls before its exec through without recording them.
 */
function applyDeferredRlimits(rlimits: readonly RlimitPlan[]): void {
  for (const plan of rlimits) {
    const result = setRlimit(plan);
    if (result.ok) continue;
    if (!plan.bestEffort) throw new LayerError('rlimits', result.message, result.errno);
    send({
      kind: 'warning',
      layer: 'rlimits',
      message: result.message,
      ...(result.errno !== undefined
        ? { errno: result.errno, errnoName: errnoName(result.errno) }
        : {}),
    });
  }
}

function launch(): never {
  const spec = readSpec();
  const c = libc();
  const sigkill = signalNumber('SIGKILL') ?? 9;
  // If the studio dies, the launcher (and then the target) must not live on unsupervised.
  check(
    c,
    'supervision',
    c.prctl(PRCTL.PR_SET_PDEATHSIG, sigkill, 0, 0, 0),
    'prctl(PR_SET_PDEATHSIG)',
  );
  const parentPid = process.ppid;
  if (parentPid === 1) throw new LayerError('supervision', 'the supervisor is gone');
  // With a chroot, the working directory is inside the new root: the chroot layer goes there.
  if (spec.cwd !== undefined && !spec.layers?.chroot) {
    try {
      process.chdir(spec.cwd);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new LayerError(
        'cwd',
        `chdir(${spec.cwd}) failed: ${code ?? String(error)}`,
        code ? errnoByName(code)?.value : undefined,
      );
    }
  }
  // Node opens stdio close-on-exec; the target must inherit them.
  for (const fd of [0, 1, 2])
    check(c, 'stdio', c.fcntl(fd, FCNTL.F_SETFD, 0), `fcntl(${fd}, F_SETFD)`);
  // The control socket closes at a successful execve: EOF tells the supervisor the exec happened.
  check(c, 'stdio', c.fcntl(CONTROL_FD, FCNTL.F_SETFD, FCNTL.FD_CLOEXEC), 'fcntl(3, F_SETFD)');
  const layers = spec.layers ? applySpecLayers(spec, parentPid) : undefined;
  const path = resolveExecutable(spec.path, spec.env);
  if (spec.noNewPrivs) {
    check(
      c,
      'no_new_privs',
      c.prctl(PRCTL.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
      'prctl(PR_SET_NO_NEW_PRIVS)',
    );
    send({ kind: 'applied', layer: 'no_new_privs' });
  }
  layers?.finish();
  const argv: (string | null)[] = [...spec.argv, null];
  const envp: (string | null)[] = [...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), null];
  if (spec.filter !== undefined) {
    const { fprog } = encodeFprog(c, Buffer.from(spec.filter, 'base64'));
    const flags =
      (spec.listener ? SECCOMP.SECCOMP_FILTER_FLAG_NEW_LISTENER : 0) |
      (spec.log ? SECCOMP.SECCOMP_FILTER_FLAG_LOG : 0);
    send({ kind: 'installing-filter' });
    const installed = c.seccomp(SECCOMP.SECCOMP_SET_MODE_FILTER, flags, fprog);
    if (installed < 0) check(c, 'seccomp', installed, 'seccomp(SECCOMP_SET_MODE_FILTER)');
    applyDeferredRlimits(layers?.deferredRlimits ?? []);
    c.execve(path, argv, envp);
  } else {
    c.execve(path, argv, envp);
  }
  throw new LayerError(
    'exec',
    `execve(${path}) failed: ${errnoName(c.lastErrno())}`,
    c.lastErrno(),
  );
}

try {
  launch();
} catch (error) {
  const layerError =
    error instanceof LayerError
      ? error
      : error instanceof LayerFailure
        ? new LayerError(error.layer, error.message, error.errno)
        : new LayerError('launcher', error instanceof Error ? error.message : String(error));
  try {
    send({
      kind: 'error',
      layer: layerError.layer,
      message: layerError.message,
      ...(layerError.errno !== undefined
        ? { errno: layerError.errno, errnoName: errnoName(layerError.errno) }
        : {}),
    });
  } finally {
    process.exit(layerError.layer === 'exec' ? 127 : 126);
  }
}
