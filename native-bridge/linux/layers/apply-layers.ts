/**
 * Applies a LinuxLayerPlan to the launcher's calling thread, in this order, for these reasons:
 *
 *  1. namespaces    made by the stage before this process (namespace-stage.ts); checked here.
 *  2. identity      user/group names are resolved now, from the host's /etc/passwd and /etc/group,
 *                   before chroot hides them (the switch itself comes later, step 6).
 *  3. landlock      ruleset created and rules added now: the rule paths are opened (O_PATH) while
 *                   they are still visible, before chroot. Paths are host paths.
 *  4. chroot        needs CAP_SYS_CHROOT, so before identity and capabilities drop it; then chdir
 *                   to the working directory inside the new root.
 *  5. capabilities  bounding-set drops first: PR_CAPBSET_DROP needs CAP_SETPCAP, which the
 *                   identity switch and capset take away.
 *  6. identity      setgroups, setresgid, setresuid with PR_SET_KEEPCAPS on, so that the permitted
 *                   set survives the switch away from uid 0 for steps 7 and 8; the effective set,
 *                   which the kernel still clears, is raised back to the permitted one.
 *  7. rlimits       after the switch: set*uid flags a user already over RLIMIT_NPROC and the next
 *                   execve then fails with EAGAIN, so nproc 0 (OpenSSH's sandbox) set before the
 *                   switch would stop the target from starting, while set after it only stops
 *                   forks — OpenSSH's order. Before step 8, so CAP_SYS_RESOURCE can still raise a
 *                   hard limit. With a seccomp listener, RLIMIT_NOFILE is left to the supervisor:
 *                   seccomp() must still allocate the listener fd.
 *  8. capabilities  capset replaces effective, permitted and inheritable by the plan's lists; the
 *                   ambient set is cleared and raised last (the kernel requires ambient ⊆
 *                   permitted ∩ inheritable). Without a capabilities layer, an identity switch to a
 *                   non-root uid drops permitted and effective like a plain setuid would.
 *     supervision   PR_SET_PDEATHSIG is re-armed (a credential change clears it) and the parent is
 *                   checked again.
 *  then, in launcher.ts: resolve the executable (inside the new root, as the new user),
 *  no_new_privs, landlock restrict_self (`finish`: it needs no_new_privs or CAP_SYS_ADMIN, and
 *  CAP_SYS_ADMIN may be gone by now), seccomp, execve.
 *
 * Each layer sends `applied` with a detail, or throws a LayerFailure naming the layer and errno; a
 * best-effort layer's failure is sent as a `warning` instead and the launch goes on.
 */
import { errnoName } from '../../../app/linux/errno';
import { PRCTL } from '../../../app/linux/constants';
import { RLIMIT } from '../../../app/linux/layer-constants';
import { signalNumber } from '../../../app/linux/signals';
import type {
  CapabilitiesPlan,
  IdentityPlan,
  LandlockPlan,
  LayerName,
  LinuxLayerPlan,
  RlimitPlan,
} from '../../../app/sandbox/layer-plan';
import type { LauncherMessage } from '../../launch-spec';
import type { NamespaceStageReport } from '../../namespace-stage';
import {
  capabilityMask,
  dropBoundingSet,
  readCapabilities,
  setAmbient,
  setKeepCapabilities,
  writeCapabilities,
} from './capabilities';
import { changeDirectory, enterChroot } from './chroot';
import { switchIdentity, type Identity } from './identity';
import { prepareLandlock, restrictLandlock, type PreparedLandlock } from './landlock';
import { syscallFailed, type LayerFailureResult, type LayerResult } from './layer-result';
import { layerSyscalls } from './layer-syscalls';
import { verifyNamespaces } from './namespaces';
import { resolveHostIdentity } from './resolve-identity';
import { setRlimit } from './rlimits';

/** A layer that failed without best effort: the launch stops before execve. */
export class LayerFailure extends Error {
  constructor(
    readonly layer: LayerName | 'supervision' | 'cwd',
    message: string,
    readonly errno?: number,
  ) {
    super(message);
  }
}

export interface ApplyLayersOptions {
  readonly send: (message: LauncherMessage) => void;
  /** The spec's working directory; with a chroot it is a path inside the new root. */
  readonly cwd?: string;
  /** The filter is installed with a listener (learn, check): RLIMIT_NOFILE goes to the supervisor. */
  readonly listener: boolean;
  /** What the namespace stage told the launcher (its command-line argument). */
  readonly namespaceStage?: NamespaceStageReport;
  /** The launcher's parent when it started, to detect its death after PDEATHSIG is re-armed. */
  readonly parentPid: number;
  /** Where passwd and group are read from; /etc unless a test says otherwise. */
  readonly etc?: string;
}

export interface AppliedLayers {
  /** Limits the launcher sets after installing the filter (RLIMIT_NOFILE would block the listener fd). */
  readonly deferredRlimits: readonly RlimitPlan[];
  /** landlock_restrict_self; call after no_new_privs, right before seccomp. Throws LayerFailure. */
  finish(): void;
}

type Layer = LayerName | 'supervision' | 'cwd';
type Succeeded = Extract<LayerResult, { ok: true }>;

class Reporter {
  constructor(private readonly send: (message: LauncherMessage) => void) {}

  applied(layer: Layer, detail?: string): void {
    this.send(
      detail === undefined ? { kind: 'applied', layer } : { kind: 'applied', layer, detail },
    );
  }

  /** true when the step succeeded; false after a best-effort warning; throws otherwise. */
  settle(layer: Layer, bestEffort: boolean, result: LayerResult): result is Succeeded {
    if (result.ok) return true;
    if (!bestEffort) throw new LayerFailure(layer, result.message, result.errno);
    this.warn(layer, result);
    return false;
  }

  warn(layer: Layer, result: LayerFailureResult): void {
    this.send({
      kind: 'warning',
      layer,
      message: result.message,
      ...(result.errno !== undefined
        ? { errno: result.errno, errnoName: errnoName(result.errno) }
        : {}),
    });
  }
}

export function applyLayers(plan: LinuxLayerPlan, options: ApplyLayersOptions): AppliedLayers {
  const report = new Reporter(options.send);
  if (plan.namespaces) {
    const verified = verifyNamespaces(plan.namespaces.kinds, options.namespaceStage);
    if (report.settle('namespaces', plan.namespaces.bestEffort, verified)) {
      report.applied('namespaces', verified.detail);
    }
  }
  const identity = plan.identity ? resolveIdentity(plan.identity, report, options.etc) : undefined;
  const landlock = plan.landlock ? prepare(plan.landlock, report) : undefined;
  applyChroot(plan, options, report);
  const bounding = plan.capabilities ? dropBounding(plan.capabilities, report) : undefined;
  const switched =
    plan.identity && identity ? applyIdentity(identity, plan.identity, report) : false;
  const deferredRlimits = applyRlimits(plan.rlimits, options.listener, report);
  if (plan.capabilities) applyCapabilities(plan.capabilities, bounding, report);
  else if (switched && identity?.uid !== undefined && identity.uid !== 0) {
    report.settle('identity', plan.identity?.bestEffort ?? false, dropLikeSetuid());
  }
  rearmSupervision(options.parentPid);
  return {
    deferredRlimits,
    finish() {
      if (!landlock || !plan.landlock) return;
      const restricted = restrictLandlock(landlock);
      if (report.settle('landlock', plan.landlock.bestEffort, restricted)) {
        report.applied('landlock', restricted.detail);
      }
    },
  };
}

function resolveIdentity(
  plan: IdentityPlan,
  report: Reporter,
  etc: string | undefined,
): Identity | undefined {
  const resolved = resolveHostIdentity(plan, etc);
  if ('ok' in resolved) {
    report.settle('identity', plan.bestEffort, resolved);
    return undefined;
  }
  return resolved;
}

function prepare(plan: LandlockPlan, report: Reporter): PreparedLandlock | undefined {
  const preparation = prepareLandlock(plan);
  if ('ok' in preparation) {
    report.settle('landlock', plan.bestEffort, preparation);
    return undefined;
  }
  for (const warning of preparation.warnings) report.warn('landlock', warning);
  return preparation.prepared;
}

function applyChroot(plan: LinuxLayerPlan, options: ApplyLayersOptions, report: Reporter): void {
  if (!plan.chroot) return;
  const cwd = plan.chroot.cwd ?? options.cwd ?? '/';
  const entered = enterChroot(plan.chroot.path, cwd);
  if (report.settle('chroot', plan.chroot.bestEffort, entered)) {
    report.applied('chroot', entered.detail);
    return;
  }
  // Best effort without the chroot: the target still gets the working directory it asked for.
  if (options.cwd !== undefined) report.settle('cwd', false, changeDirectory(options.cwd));
}

/** Step 5. The detail on success; undefined after a best-effort warning. */
function dropBounding(plan: CapabilitiesPlan, report: Reporter): string | undefined {
  const dropped = dropBoundingSet(plan.bounding);
  return report.settle('capabilities', plan.bestEffort, dropped) ? dropped.detail : undefined;
}

/** Step 6. Returns whether the credentials changed. */
function applyIdentity(identity: Identity, plan: IdentityPlan, report: Reporter): boolean {
  const keep = setKeepCapabilities(true);
  if (!report.settle('identity', plan.bestEffort, keep)) return false;
  const switchedResult = switchIdentity(identity);
  // PR_SET_KEEPCAPS only matters during the switch; the target must not inherit it set.
  report.settle('identity', false, setKeepCapabilities(false));
  if (!report.settle('identity', plan.bestEffort, switchedResult)) return false;
  const raised = raiseEffective();
  if (!report.settle('identity', plan.bestEffort, raised)) return false;
  report.applied('identity', switchedResult.detail);
  return true;
}

/** After the switch the kernel cleared the effective set; steps 7 and 8 need it back. */
function raiseEffective(): LayerResult {
  const sets = readCapabilities();
  if ('ok' in sets) return sets;
  if (sets.effective === sets.permitted) return { ok: true };
  return writeCapabilities({ ...sets, effective: sets.permitted });
}

function isNofile(rlimit: RlimitPlan): boolean {
  return rlimit.resource === RLIMIT.get('RLIMIT_NOFILE');
}

function applyRlimits(
  rlimits: readonly RlimitPlan[],
  listener: boolean,
  report: Reporter,
): RlimitPlan[] {
  const deferred = listener ? rlimits.filter(isNofile) : [];
  for (const rlimit of rlimits) {
    if (deferred.includes(rlimit)) continue;
    const result = setRlimit(rlimit);
    if (report.settle('rlimits', rlimit.bestEffort, result))
      report.applied('rlimits', result.detail);
  }
  return deferred;
}

/** Step 8: capset, then the ambient set. `bounding` is step 5's detail when it succeeded. */
function applyCapabilities(
  caps: CapabilitiesPlan,
  bounding: string | undefined,
  report: Reporter,
): void {
  const sets = writeCapabilities({
    effective: capabilityMask(caps.effective),
    permitted: capabilityMask(caps.permitted),
    inheritable: capabilityMask(caps.inheritable),
  });
  const setsOk = report.settle('capabilities', caps.bestEffort, sets);
  const ambient = setAmbient(caps.ambient);
  const ambientOk = report.settle('capabilities', caps.bestEffort, ambient);
  if (bounding !== undefined && setsOk && ambientOk) {
    report.applied('capabilities', [sets.detail, ambient.detail, bounding].join('; '));
  }
}

/**
 * Without a capabilities layer, a switch to a non-root uid ends like a plain setuid would have:
 * no permitted or effective capabilities (PR_SET_KEEPCAPS only kept them for steps 7 and 8).
 */
function dropLikeSetuid(): LayerResult {
  const current = readCapabilities();
  if ('ok' in current) return current;
  return writeCapabilities({ effective: 0n, permitted: 0n, inheritable: current.inheritable });
}

/** A credential change cleared PR_SET_PDEATHSIG: without it the target could outlive the studio. */
function rearmSupervision(parentPid: number): void {
  const sys = layerSyscalls();
  const sigkill = signalNumber('SIGKILL');
  if (sigkill === undefined) throw new Error('SIGKILL is missing from the signal table');
  if (sys.prctl(PRCTL.PR_SET_PDEATHSIG, sigkill, 0, 0, 0) < 0) {
    const result = syscallFailed('prctl(PR_SET_PDEATHSIG)', sys.lastErrno());
    throw new LayerFailure('supervision', result.message, result.errno);
  }
  if (process.ppid !== parentPid) {
    throw new LayerFailure('supervision', 'the supervisor is gone');
  }
}
