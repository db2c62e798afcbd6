import { errnoByName } from '../linux/errno';
import type { ResolvedPolicy } from '../policy/resolved';
import type { Diagnostic, SourceRange } from '../policy/source-range';
import {
  LIBSECCOMP_ARCHES,
  type LibseccompAction,
  type LibseccompArch,
  type LibseccompArgCompare,
  type LibseccompFilter,
  type LibseccompOp,
  type LibseccompRule,
} from './libseccomp-filter';
import { LibseccompMeaningError, resolveLibseccompFilter } from './libseccomp-meaning';
import type {
  OciAction,
  OciArg,
  OciFilter,
  OciOp,
  OciSeccompProfile,
  OciSyscall,
} from './oci-seccomp-schema';

/*
 * An OCI seccomp profile means what runc and crun do with it on a given host: keep the entries
 * whose `includes` hold and whose `excludes` do not (Docker's semantics: every included cap is
 * needed, any excluded cap excludes; arches are the host's), then add each name as a libseccomp
 * rule to a filter for the host's arches. Its meaning in our terms is that filter's meaning
 * (libseccomp-meaning.ts).
 */

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

export interface OciImportOptions {
  /** The host's (native) arch. Default x86_64. */
  readonly arch?: LibseccompArch;
  /** The container's capabilities, for `includes.caps`/`excludes.caps`. Default: Docker's. */
  readonly capabilities?: readonly string[];
  /** The host kernel, e.g. "6.18", for `minKernel`. Default: every minKernel is met. */
  readonly kernelVersion?: string;
  /** Syscalls from an arch the filter does not list. Default kill-process. */
  readonly badArchAction?: LibseccompAction;
  readonly optimize?: 1 | 2;
}

export class OciImportError extends Error {
  override readonly name = 'OciImportError';
  constructor(
    message: string,
    readonly range?: SourceRange,
  ) {
    super(message);
  }
}

/** SCMP_ARCH_* for each arch we know, and the name Docker's `includes.arches` uses for it. */
const ARCH_NAMES: Record<LibseccompArch, { readonly scmp: string; readonly docker: string }> = {
  x86_64: { scmp: 'SCMP_ARCH_X86_64', docker: 'amd64' },
  x86: { scmp: 'SCMP_ARCH_X86', docker: 'x86' },
  x32: { scmp: 'SCMP_ARCH_X32', docker: 'x32' },
  aarch64: { scmp: 'SCMP_ARCH_AARCH64', docker: 'arm64' },
  arm: { scmp: 'SCMP_ARCH_ARM', docker: 'arm' },
  riscv64: { scmp: 'SCMP_ARCH_RISCV64', docker: 'riscv64' },
};

function archFromScmp(name: string): LibseccompArch {
  const arch = LIBSECCOMP_ARCHES.find((a) => ARCH_NAMES[a].scmp === name);
  if (arch === undefined) {
    const known = LIBSECCOMP_ARCHES.map((a) => ARCH_NAMES[a].scmp).join(', ');
    throw new OciImportError(`${name} is not supported (supported: ${known})`);
  }
  return arch;
}

/** The runtime's arch list: `architectures`, else Docker's archMap entry for the host, else the host. */
function filterArches(profile: OciSeccompProfile, host: LibseccompArch): LibseccompArch[] {
  const hostName = ARCH_NAMES[host].scmp;
  const mapped = profile.archMap?.find((m) => m.architecture === hostName);
  const names = profile.architectures?.length
    ? profile.architectures
    : mapped
      ? [mapped.architecture, ...(mapped.subArchitectures ?? [])]
      : [hostName];
  return [...new Set(names.map(archFromScmp))];
}

const EPERM = errnoByName('EPERM')?.value ?? 1;

function action(kind: OciAction, errnoRet: number | undefined): LibseccompAction {
  switch (kind) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return { kind: 'kill-thread' };
    case 'SCMP_ACT_KILL_PROCESS':
      return { kind: 'kill-process' };
    case 'SCMP_ACT_TRAP':
      return { kind: 'trap' };
    // runc: errnoRet, else EPERM (for TRACE it is the tracer's message).
    case 'SCMP_ACT_ERRNO':
      return { kind: 'errno', errno: errnoRet ?? EPERM };
    case 'SCMP_ACT_TRACE':
      return { kind: 'trace', data: errnoRet ?? EPERM };
    case 'SCMP_ACT_ALLOW':
      return { kind: 'allow' };
    case 'SCMP_ACT_LOG':
      return { kind: 'log' };
    case 'SCMP_ACT_NOTIFY':
      return { kind: 'notify' };
  }
}

function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

interface Host {
  readonly arch: string;
  readonly caps: ReadonlySet<string>;
  readonly kernel?: string;
}

function kernelMeets(host: Host, minKernel: string): boolean {
  return host.kernel === undefined || versionAtLeast(host.kernel, minKernel);
}

/**
 * Why an entry does not apply on the host, or undefined when it does (moby profiles/seccomp: an
 * entry applies unless an exclude matches or an include does not).
 */
function exclusion(entry: OciSyscall, host: Host): string | undefined {
  const ex: OciFilter = entry.excludes ?? {};
  const inc: OciFilter = entry.includes ?? {};
  if (ex.arches?.includes(host.arch)) return `excluded on ${host.arch}`;
  const excludedCap = ex.caps?.find((c) => host.caps.has(c));
  if (excludedCap !== undefined) return `excluded with ${excludedCap}`;
  if (ex.minKernel !== undefined && kernelMeets(host, ex.minKernel)) {
    return `excluded from kernel ${ex.minKernel} on`;
  }
  if (inc.arches?.length && !inc.arches.includes(host.arch)) {
    return `only for ${inc.arches.join(', ')}`;
  }
  const missing = inc.caps?.filter((c) => !host.caps.has(c)) ?? [];
  if (missing.length > 0) return `needs ${missing.join(', ')}`;
  if (inc.minKernel !== undefined && !kernelMeets(host, inc.minKernel)) {
    return `needs kernel ${inc.minKernel}`;
  }
  return undefined;
}

function applies(entry: OciSyscall, host: Host): boolean {
  return exclusion(entry, host) === undefined;
}

function hostOf(options: OciImportOptions): Host {
  const hostArch = options.arch ?? 'x86_64';
  return {
    arch: ARCH_NAMES[hostArch].docker,
    caps: new Set(options.capabilities ?? DOCKER_DEFAULT_CAPABILITIES),
    ...(options.kernelVersion === undefined ? {} : { kernel: options.kernelVersion }),
  };
}

/** Why profile entry `entry` is left out on the host the options describe, if it is. */
export function ociEntryExclusion(
  entry: OciSyscall,
  options: OciImportOptions = {},
): string | undefined {
  return exclusion(entry, hostOf(options));
}

/** The SCMP_ARCH_* name of a libseccomp arch. */
export function scmpArchName(arch: LibseccompArch): string {
  return ARCH_NAMES[arch].scmp;
}

const OPS: Record<OciOp, LibseccompOp> = {
  SCMP_CMP_NE: 'NE',
  SCMP_CMP_LT: 'LT',
  SCMP_CMP_LE: 'LE',
  SCMP_CMP_EQ: 'EQ',
  SCMP_CMP_GE: 'GE',
  SCMP_CMP_GT: 'GT',
  SCMP_CMP_MASKED_EQ: 'MASKED_EQ',
};

/** runc: for MASKED_EQ `value` is the mask and `valueTwo` the value compared with. */
function compare(arg: OciArg): LibseccompArgCompare {
  const op = OPS[arg.op];
  const index = arg.index as LibseccompArgCompare['arg'];
  if (op === 'MASKED_EQ') return { arg: index, op, mask: arg.value, value: arg.valueTwo ?? 0n };
  return { arg: index, op, value: arg.value };
}

/**
 * runc: libseccomp takes one comparison per argument in a rule, so an entry comparing an
 * argument twice becomes one rule per comparison (OR-ed).
 */
function argChains(args: readonly OciArg[]): LibseccompArgCompare[][] {
  const compares = args.map(compare);
  const indexes = compares.map((c) => c.arg);
  const repeated = indexes.some((arg, i) => indexes.indexOf(arg) !== i);
  return repeated ? compares.map((c) => [c]) : [compares];
}

function entryRules(entry: OciSyscall): LibseccompRule[] {
  const names = [...(entry.names ?? []), ...(entry.name === undefined ? [] : [entry.name])];
  const ruleAction = action(entry.action, entry.errnoRet);
  const chains = argChains(entry.args ?? []);
  return names.flatMap((syscall) =>
    chains.map((args) => ({ syscall, action: ruleAction, args, range: entry.range })),
  );
}

/** The libseccomp filter runc builds from the profile on the given host. */
export function ociToLibseccomp(
  profile: OciSeccompProfile,
  options: OciImportOptions = {},
): LibseccompFilter {
  const hostArch = options.arch ?? 'x86_64';
  const host = hostOf(options);
  return {
    arches: filterArches(profile, hostArch),
    defaultAction: action(profile.defaultAction, profile.defaultErrnoRet),
    badArchAction: options.badArchAction ?? { kind: 'kill-process' },
    optimize: options.optimize ?? 1,
    rules: profile.syscalls.filter((entry) => applies(entry, host)).flatMap(entryRules),
  };
}

/** The profile as one of our resolved policies, or the reason it has no defined meaning. */
export function ociToResolvedPolicy(
  profile: OciSeccompProfile,
  options: OciImportOptions = {},
): ResolvedPolicy {
  try {
    return resolveLibseccompFilter(ociToLibseccomp(profile, options));
  } catch (error) {
    if (error instanceof LibseccompMeaningError)
      throw new OciImportError(error.message, error.range);
    throw error;
  }
}

/** An import error as a diagnostic at the entry it concerns (or the document's start). */
export function importDiagnostic(error: OciImportError): Diagnostic {
  const start = { line: 1, column: 1, offset: 0 };
  return {
    severity: 'error',
    code: 'oci-import',
    message: error.message,
    range: error.range ?? { start, end: start },
  };
}
