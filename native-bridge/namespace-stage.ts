/**
 * Namespaces are made by a stage in front of the launcher: unshare(CLONE_NEWUSER) fails in a
 * multi-threaded process, and Node always is one. The stage is util-linux: `setpriv --pdeathsig
 * KILL` ties it to the studio's life (as the launcher's own PR_SET_PDEATHSIG does without a
 * stage), then `unshare` creates the namespaces and execs the launcher, or, for a pid namespace,
 * forks it as the namespace's pid 1 and waits (`--kill-child` ends it if unshare dies). File
 * descriptors are inherited through both execs, so the control socket stays the launcher's fd 3.
 *
 * unshare reports its own failures only as text on stderr before the launcher exists, so the stage
 * is probed first with the same flags (`unshare … -- true`): a failure then reaches the launcher
 * as an argument and the launcher reports it like any other layer (error, or warning in best
 * effort), with the errno that unshare's message names.
 *
 * Known limits: in a user namespace only root is mapped (`--map-root-user`; mapping more ids needs
 * newuidmap), so an identity switch inside one can only be to uid/gid 0. In a pid namespace the
 * target is pid 1: it ignores signals it has no handler for, and util-linux 2.38's unshare turns a
 * SIGKILL of its child into exit status 1 (it cannot re-raise SIGKILL on itself); other signals
 * are re-raised, so SIGSYS from seccomp shows as usual.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { errnoByName, errnoNames } from '../app/linux/errno';
import type { LinuxLayerPlan, NamespaceKind } from '../app/sandbox/layer-plan';

export const NAMESPACE_STAGE_ARG = '--namespace-stage=';

/** What the launcher learns from the stage, as one argument. */
export type NamespaceStageReport =
  /** The stage ran; these are the supervisor's namespaces, which the launcher must not share. */
  | { readonly stage: 'unshare'; readonly outside: Readonly<Record<string, string>> }
  | { readonly stage: 'unavailable'; readonly message: string; readonly errno?: number };

export interface LauncherInvocation {
  readonly file: string;
  readonly args: readonly string[];
  /** The stage forks the launcher (pid namespace): the spawned pid is not the launcher's. */
  readonly forks: boolean;
}

/** The names of the kinds under /proc/PID/ns. */
export const NAMESPACE_PROC_NAME: Readonly<Record<NamespaceKind, string>> = {
  user: 'user',
  pid: 'pid',
  net: 'net',
  mount: 'mnt',
  ipc: 'ipc',
  uts: 'uts',
};

const UNSHARE_FLAGS: Readonly<Record<NamespaceKind, readonly string[]>> = {
  user: ['--user', '--map-root-user'],
  pid: ['--pid', '--fork', '--kill-child'],
  net: ['--net'],
  mount: ['--mount'],
  ipc: ['--ipc'],
  uts: ['--uts'],
};

function findTool(name: string): string | undefined {
  return ['/usr/bin', '/bin', '/usr/sbin', '/sbin']
    .map((dir) => `${dir}/${name}`)
    .find((path) => existsSync(path));
}

export function unshareFlags(kinds: readonly NamespaceKind[]): string[] {
  const unique = [...new Set(kinds)];
  const flags = unique.flatMap((kind) => UNSHARE_FLAGS[kind]);
  // A pid namespace's own /proc needs a mount namespace to mount it in; without one, the target
  // keeps the host's /proc (still correct for the supervisor, which reads it from outside).
  if (unique.includes('pid') && unique.includes('mount')) flags.push('--mount-proc');
  return flags;
}

/** `unshare: unshare failed: Operation not permitted` → EPERM, by the errno table's texts. */
export function errnoFromMessage(message: string): number | undefined {
  const lines = message.trim().split('\n');
  const text = lines[lines.length - 1]?.split(': ').pop()?.trim();
  if (!text) return undefined;
  const name = errnoNames().find((n) => errnoByName(n)?.description === text);
  return name === undefined ? undefined : errnoByName(name)?.value;
}

function unavailable(message: string, errno?: number): NamespaceStageReport {
  return errno === undefined
    ? { stage: 'unavailable', message }
    : { stage: 'unavailable', message, errno };
}

/** Runs the stage once with `true` as the program: does this machine let us make these namespaces? */
function probe(setpriv: string, unshare: string, flags: readonly string[]): NamespaceStageReport {
  const truePath = findTool('true');
  if (!truePath) return unavailable('cannot probe the namespace stage: no `true` program');
  const result = spawnSync(
    setpriv,
    ['--pdeathsig', 'KILL', '--', unshare, ...flags, '--', truePath],
    {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (result.error) return unavailable(`cannot run ${unshare}: ${result.error.message}`);
  if (result.status === 0) return { stage: 'unshare', outside: outsideNamespaces() };
  const stderr = (result.stderr ?? '').trim();
  const message = `unshare ${flags.join(' ')} failed: ${stderr || `exit status ${result.status}`}`;
  return unavailable(message, errnoFromMessage(stderr));
}

/** The supervisor's own namespaces, e.g. `net` → `net:[4026531833]`. */
function outsideNamespaces(): Record<string, string> {
  const outside: Record<string, string> = {};
  for (const [kind, name] of Object.entries(NAMESPACE_PROC_NAME)) {
    try {
      outside[kind] = readlinkSync(`/proc/self/ns/${name}`);
    } catch {
      // a kernel without this namespace kind: the launcher's check then fails for it
    }
  }
  return outside;
}

/**
 * How to start the launcher for `plan`: plain Node without namespaces, else through the stage.
 * When the stage cannot work here, the launcher still starts (without namespaces) and is told why,
 * so that it reports the namespaces layer as an error (the target never runs) or, in best effort,
 * a warning.
 */
export function launcherInvocation(
  execPath: string,
  launcherScript: string,
  plan?: LinuxLayerPlan,
): LauncherInvocation {
  const kinds = plan?.namespaces?.kinds ?? [];
  if (kinds.length === 0) return { file: execPath, args: [launcherScript], forks: false };
  const setpriv = findTool('setpriv');
  const unshare = findTool('unshare');
  const flags = unshareFlags(kinds);
  const report =
    setpriv && unshare
      ? probe(setpriv, unshare, flags)
      : unavailable('util-linux (unshare, setpriv) is not installed', errnoByName('ENOENT')?.value);
  const reportArg = `${NAMESPACE_STAGE_ARG}${JSON.stringify(report)}`;
  if (report.stage !== 'unshare' || !setpriv || !unshare) {
    return { file: execPath, args: [launcherScript, reportArg], forks: false };
  }
  return {
    file: setpriv,
    args: [
      '--pdeathsig',
      'KILL',
      '--',
      unshare,
      ...flags,
      '--',
      execPath,
      launcherScript,
      reportArg,
    ],
    forks: kinds.includes('pid'),
  };
}

/** The stage's report from the launcher's arguments; undefined when it was started without one. */
export function readNamespaceStage(argv: readonly string[]): NamespaceStageReport | undefined {
  const arg = argv.find((a) => a.startsWith(NAMESPACE_STAGE_ARG));
  if (arg === undefined) return undefined;
  const parsed = JSON.parse(arg.slice(NAMESPACE_STAGE_ARG.length)) as NamespaceStageReport;
  if (parsed.stage !== 'unshare' && parsed.stage !== 'unavailable') {
    throw new Error(`unknown namespace stage report: ${arg}`);
  }
  return parsed;
}

/**
 * The launcher's pid, given the pid `spawn` returned. Without a pid namespace the stage execs the
 * launcher, so they are the same process. With one, the launcher is unshare's only child (found in
 * /proc/PID/task/PID/children); undefined until it has been forked. Call it when the launcher has
 * said `installing-filter`: by then it exists, and pidfd_getfd must take the listener from it.
 */
export function findLauncherPid(
  stagePid: number,
  invocation: LauncherInvocation,
): number | undefined {
  if (!invocation.forks) return stagePid;
  try {
    const children = readFileSync(`/proc/${stagePid}/task/${stagePid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return children.length === 1 ? children[0] : undefined;
  } catch {
    return undefined;
  }
}
