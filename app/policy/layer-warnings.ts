import type { CapabilityRef, LinuxPolicy, Policy } from './model';
import type { Diagnostic, SourceRange } from './source-range';

/**
 * What the Linux layers of a valid policy probably do not mean, or cannot do from outside the
 * program: warnings, never errors. Each one names the kernel rule behind it.
 */
export function layerWarnings(policy: Policy): Diagnostic[] {
  const linux = policy.linux;
  return [
    ...programOnlySettings(linux),
    ...capabilitiesAcrossExec(linux),
    ...rlimitsBeforeExec(policy),
    ...landlockBlocksExec(policy),
    ...chrootEscape(linux),
    ...unusedBestEffort(linux),
  ];
}

function warning(code: string, message: string, range: SourceRange): Diagnostic {
  return { severity: 'warning', code, message, range };
}

function info(code: string, message: string, range: SourceRange): Diagnostic {
  return { severity: 'info', code, message, range };
}

function programOnlySettings(linux: LinuxPolicy): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (linux.dumpable?.value === false) {
    out.push(
      warning(
        'program-only-setting',
        'dumpable: false cannot be imposed from outside: execve resets PR_SET_DUMPABLE, so the program must call prctl(PR_SET_DUMPABLE, 0) itself (Export → C generates it). Runs in the studio leave the target dumpable.',
        linux.dumpable.range,
      ),
    );
  }
  if (linux.seccompStrict?.value === true) {
    out.push(
      warning(
        'program-only-setting',
        'seccomp_strict cannot be imposed from outside: strict mode allows only read, write, _exit and sigreturn, so it would kill the execve that starts the target. The program must enter it itself once set up (Export → C generates the call). Runs in the studio do not apply it.',
        linux.seccompStrict.range,
      ),
    );
  }
  return out;
}

/** Without `user` the target keeps the studio's user, root or not: assume the worse case. */
function runsAsRoot(linux: LinuxPolicy): boolean {
  const user = linux.identity?.user;
  return user === undefined || isRoot(user);
}

function isRoot(user: string | number): boolean {
  return user === 0 || user === 'root';
}

function asRootPhrase(linux: LinuxPolicy): string {
  return linux.identity?.user === undefined
    ? "without user, the target keeps the studio's user; if that is root,"
    : 'the target runs as root, and';
}

/** Limits that bite before the program's first instruction, because they are set before exec. */
function rlimitsBeforeExec(policy: Policy): Diagnostic[] {
  const linux = policy.linux;
  const out: Diagnostic[] = [];
  const limit = (name: string) => linux.rlimits?.find((r) => r.name === name);
  const nofile = limit('nofile');
  // stdin, stdout and stderr hold 0..2: the loader's first open needs descriptor 3.
  if (policy.target && nofile && nofile.soft !== 'unlimited' && nofile.soft < 4n) {
    out.push(
      info(
        'rlimit-before-exec',
        `with nofile ${nofile.soft} the target cannot open a descriptor beyond stdin, stdout and stderr, so the dynamic loader cannot open shared libraries: only a statically linked program starts. (OpenSSH sets nofile 0 after its own setup, from inside.)`,
        nofile.range,
      ),
    );
  }
  const nproc = limit('nproc');
  const user = linux.identity?.user;
  if (nproc && user !== undefined && isRoot(user)) {
    out.push(
      warning(
        'rlimit-not-applied',
        'RLIMIT_NPROC does not limit root: set user to a non-root user for nproc to take effect.',
        nproc.range,
      ),
    );
  }
  return out;
}

function names(refs: readonly CapabilityRef[]): Set<string> {
  return new Set(refs.map((r) => r.name));
}

/**
 * execve recomputes the sets (capabilities(7)). Without file capabilities a non-root program
 * keeps only its ambient set; a root program gets its bounding and inheritable sets as permitted.
 */
function capabilitiesAcrossExec(linux: LinuxPolicy): Diagnostic[] {
  const caps = linux.capabilities;
  if (!caps) return [];
  const ambient = names(caps.ambient);
  const permitted = names(caps.permitted);
  if (!runsAsRoot(linux)) {
    const lost = [...permitted].filter((n) => !ambient.has(n));
    if (lost.length === 0) return [];
    return [
      warning(
        'capabilities-lost-on-exec',
        `a program running as a non-root user keeps only its ambient capabilities across execve: ${lost.join(', ')} will be gone unless the file itself has them. To keep them, write the long form with them in permitted, inheritable and ambient.`,
        caps.range,
      ),
    ];
  }
  const gained = [...names(caps.bounding), ...names(caps.inheritable)].filter(
    (n, i, all) => !permitted.has(n) && all.indexOf(n) === i,
  );
  if (gained.length === 0) return [];
  return [
    warning(
      'capabilities-gained-on-exec',
      `${asRootPhrase(linux)} execve gives root every capability of its bounding and inheritable sets: it will have ${gained.join(', ')} although permitted does not list them. Drop them from bounding and inheritable, or set user.`,
      caps.range,
    ),
  ];
}

function beneath(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');
  const base = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return path === base || path.startsWith(`${base}/`);
}

/** With file system rights handled, execve needs EXECUTE on the program. */
function landlockBlocksExec(policy: Policy): Diagnostic[] {
  const landlock = policy.linux.landlock;
  const program = policy.target?.command[0];
  const handlesFs = landlock && (landlock.read || landlock.write || landlock.execute);
  if (!handlesFs || policy.linux.chroot || !program?.startsWith('/')) return [];
  const executable = (landlock.execute ?? []).some((ref) => beneath(program, ref.path));
  // execve opens the file too, which Landlock checks against READ_FILE as well as EXECUTE.
  const readable = (landlock.read ?? []).some((ref) => beneath(program, ref.path));
  if (executable && readable) return [];
  const missing = [executable ? undefined : 'execute', readable ? undefined : 'read'].filter(
    (list) => list !== undefined,
  );
  return [
    warning(
      'landlock-blocks-exec',
      `${program} is not beneath any Landlock ${missing.join(' or ')} path: starting it will fail with EACCES (execve needs both). Add its directory to ${missing.join(' and ')}.`,
      landlock.range,
    ),
  ];
}

/** chroot(2): a process with CAP_SYS_CHROOT can leave the new root again. */
function chrootEscape(linux: LinuxPolicy): Diagnostic[] {
  if (!linux.chroot || !runsAsRoot(linux)) return [];
  const caps = linux.capabilities;
  // As root, execve makes bounding ∪ inheritable permitted again (see capabilitiesAcrossExec).
  const kept = caps && names([...caps.permitted, ...caps.bounding, ...caps.inheritable]);
  if (kept && !kept.has('CAP_SYS_CHROOT')) return [];
  return [
    warning(
      'chroot-escape',
      `${asRootPhrase(linux)} it keeps CAP_SYS_CHROOT, with which a process can leave a chroot: set user, or drop the capability (capabilities: { keep: [] }).`,
      linux.chroot.range,
    ),
  ];
}

const LAYER_PRESENT: Readonly<Record<string, (linux: LinuxPolicy) => boolean>> = {
  namespaces: (l) => l.namespaces !== undefined,
  landlock: (l) => l.landlock !== undefined,
  chroot: (l) => l.chroot !== undefined,
  rlimits: (l) => (l.rlimits?.length ?? 0) > 0,
  identity: (l) => l.identity !== undefined,
  capabilities: (l) => l.capabilities !== undefined,
};

function unusedBestEffort(linux: LinuxPolicy): Diagnostic[] {
  return (linux.bestEffort ?? [])
    .filter(({ layer }) => !LAYER_PRESENT[layer]?.(linux))
    .map(({ layer, range }) =>
      warning('unused-best-effort', `this policy has no ${layer} layer to apply`, range),
    );
}
