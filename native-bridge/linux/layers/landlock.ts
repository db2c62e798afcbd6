import { fstatSync } from 'node:fs';
import { constantValue } from '../../../app/linux/arch-constants';
import { errnoByName, errnoName } from '../../../app/linux/errno';
import { landlockConstant } from '../../../app/linux/layer-constants';
import type { LandlockPlan } from '../../../app/sandbox/layer-plan';
import {
  failed,
  succeeded,
  syscallFailed,
  type LayerFailureResult,
  type LayerResult,
} from './layer-result';
import { layerSyscalls, type LayerSyscalls } from './layer-syscalls';

/**
 * Landlock in two steps. `prepareLandlock` runs early, while the policy's paths are still visible
 * (before chroot): it detects the ABI, creates the ruleset and adds one rule per path (opened
 * O_PATH) and per port. `restrictLandlock` runs last, after no_new_privs, because restrict_self
 * needs no_new_privs or CAP_SYS_ADMIN and the earlier layers may have dropped the capability.
 *
 * uapi layouts (linux/landlock.h):
 *   struct landlock_ruleset_attr      { __u64 handled_access_fs; __u64 handled_access_net; … }
 *   struct landlock_path_beneath_attr { __u64 allowed_access; __s32 parent_fd; } __packed  12 bytes
 *   struct landlock_net_port_attr     { __u64 allowed_access; __u64 port; }                 16 bytes
 * The kernel accepts a shorter ruleset_attr than its own (8 bytes = only the filesystem field),
 * which is what an ABI < 4 kernel needs.
 */
const RULESET_FS_ONLY_SIZE = 8;
const RULESET_WITH_NET_SIZE = 16;
const PATH_BENEATH_SIZE = 12;
const NET_PORT_SIZE = 16;

/** The filesystem rights that apply to a file (not only to a directory), from the kernel's ACCESS_FILE. */
const FILE_RIGHTS = ['EXECUTE', 'WRITE_FILE', 'READ_FILE', 'TRUNCATE', 'IOCTL_DEV'];

export interface PreparedLandlock {
  readonly rulesetFd: number;
  readonly abi: number;
  readonly detail: string;
}

export interface LandlockPreparation {
  /** undefined when there is nothing this kernel can enforce (only possible in best effort). */
  readonly prepared: PreparedLandlock | undefined;
  /** Best-effort degradations: the launch goes on, the supervisor shows them. */
  readonly warnings: readonly LayerFailureResult[];
}

const hex = (value: bigint) => `0x${value.toString(16)}`;

function errno(name: string): number {
  const value = errnoByName(name)?.value;
  if (value === undefined) throw new Error(`${name} is missing from the errno table`);
  return value;
}

/** The Landlock ABI version of the running kernel, or the failure that says it has none. */
export function landlockAbi(): number | LayerFailureResult {
  const sys = layerSyscalls();
  const version = Number(landlockConstant('LANDLOCK_CREATE_RULESET_VERSION'));
  const abi = sys.landlockCreateRuleset(null, 0, version);
  if (abi < 0) {
    const code = sys.lastErrno();
    const why = code === errno('EOPNOTSUPP') ? 'disabled at boot' : 'not supported by this kernel';
    return failed(`Landlock is ${why} (${errnoName(code)})`, code);
  }
  return abi;
}

function rulesetAttr(fs: bigint, net: bigint): Buffer {
  const attr = Buffer.alloc(net === 0n ? RULESET_FS_ONLY_SIZE : RULESET_WITH_NET_SIZE);
  attr.writeBigUInt64LE(fs, 0);
  if (net !== 0n) attr.writeBigUInt64LE(net, 8);
  return attr;
}

/**
 * Which of `bits` this kernel handles, asked one right at a time: creating a ruleset that handles
 * an unknown right fails with EINVAL (or E2BIG for the network field on an ABI < 4 kernel, which
 * does not know the field). Exact for the running kernel, whatever its ABI number says.
 */
function supportedRights(
  sys: LayerSyscalls,
  bits: bigint,
  kind: 'fs' | 'net',
): bigint | LayerFailureResult {
  let supported = 0n;
  for (let bit = 1n; bit <= bits; bit <<= 1n) {
    if ((bits & bit) === 0n) continue;
    const attr = kind === 'fs' ? rulesetAttr(bit, 0n) : rulesetAttr(0n, bit);
    const fd = sys.landlockCreateRuleset(attr, attr.length, 0);
    if (fd >= 0) {
      sys.close(fd);
      supported |= bit;
      continue;
    }
    const code = sys.lastErrno();
    if (code !== errno('EINVAL') && code !== errno('E2BIG')) {
      return syscallFailed(`landlock_create_ruleset(${kind} ${hex(bit)})`, code);
    }
  }
  return supported;
}

function openConstant(name: string): bigint {
  const value = constantValue('x86_64', name);
  if (value === undefined) throw new Error(`${name} is missing from the generated tables`);
  return value;
}

function fileRightsMask(): bigint {
  return FILE_RIGHTS.reduce((mask, name) => {
    const value = constantValue('x86_64', `LANDLOCK_ACCESS_FS_${name}`);
    return value === undefined ? mask : mask | value;
  }, 0n);
}

function addPathRule(
  sys: LayerSyscalls,
  rulesetFd: number,
  path: string,
  access: bigint,
): LayerResult {
  const flags = Number(openConstant('O_PATH') | openConstant('O_CLOEXEC'));
  const fd = sys.open(path, flags);
  if (fd < 0) return syscallFailed(`open(${path}, O_PATH)`, sys.lastErrno());
  try {
    // Directory-only rights (READ_DIR, MAKE_*, REMOVE_*, REFER) on a file are EINVAL: a rule for a
    // file keeps the rights a file can have.
    const allowed = fstatSync(fd).isDirectory() ? access : access & fileRightsMask();
    if (allowed === 0n) return succeeded(`${path}: no right applies to a file`);
    const attr = Buffer.alloc(PATH_BENEATH_SIZE);
    attr.writeBigUInt64LE(allowed, 0);
    attr.writeInt32LE(fd, 8);
    const type = Number(landlockConstant('LANDLOCK_RULE_PATH_BENEATH'));
    if (sys.landlockAddRule(rulesetFd, type, attr, 0) < 0) {
      return syscallFailed(`landlock_add_rule(${path}, ${hex(allowed)})`, sys.lastErrno());
    }
    return succeeded();
  } finally {
    sys.close(fd);
  }
}

function addPortRule(
  sys: LayerSyscalls,
  rulesetFd: number,
  port: number,
  right: 'BIND_TCP' | 'CONNECT_TCP',
): LayerResult {
  const attr = Buffer.alloc(NET_PORT_SIZE);
  attr.writeBigUInt64LE(landlockConstant(`LANDLOCK_ACCESS_NET_${right}`), 0);
  attr.writeBigUInt64LE(BigInt(port), 8);
  const type = Number(landlockConstant('LANDLOCK_RULE_NET_PORT'));
  if (sys.landlockAddRule(rulesetFd, type, attr, 0) < 0) {
    return syscallFailed(`landlock_add_rule(${right} port ${port})`, sys.lastErrno());
  }
  return succeeded();
}

interface Handled {
  readonly fs: bigint;
  readonly net: bigint;
  readonly note: string;
}

/** The plan's handled rights cut down to what this kernel knows; why, in `note`. */
function handledRights(sys: LayerSyscalls, plan: LandlockPlan): Handled | LayerFailureResult {
  const wantedFs = BigInt(plan.handledFs);
  const wantedNet = BigInt(plan.handledNet);
  const fs = supportedRights(sys, wantedFs, 'fs');
  if (typeof fs !== 'bigint') return fs;
  const net = supportedRights(sys, wantedNet, 'net');
  if (typeof net !== 'bigint') return net;
  const missing = [
    wantedFs !== fs ? `fs ${hex(wantedFs & ~fs)}` : '',
    wantedNet !== net ? `net ${hex(wantedNet & ~net)}` : '',
  ].filter(Boolean);
  return {
    fs,
    net,
    note: missing.length > 0 ? `; not known to this kernel: ${missing.join(', ')}` : '',
  };
}

/**
 * Creates the ruleset and its rules. Without best effort, any failure is returned as is (the launch
 * stops). With best effort: a kernel without Landlock or with an ABI lower than the plan needs
 * gives a warning and the rights it does know are still enforced; a path that cannot be opened
 * gives a warning and no rule, which only denies more.
 */
export function prepareLandlock(plan: LandlockPlan): LandlockPreparation | LayerFailureResult {
  const sys = layerSyscalls();
  const warnings: LayerFailureResult[] = [];
  const abi = landlockAbi();
  if (typeof abi !== 'number') {
    return plan.bestEffort ? { prepared: undefined, warnings: [abi] } : abi;
  }
  if (abi < plan.minAbi) {
    const low = failed(`this kernel's Landlock ABI is ${abi}; the policy needs ${plan.minAbi}`);
    if (!plan.bestEffort) return low;
    warnings.push(low);
  }
  const handled = handledRights(sys, plan);
  if ('ok' in handled) return handled;
  if (handled.fs === 0n && handled.net === 0n) {
    const none = failed(
      `this kernel (Landlock ABI ${abi}) can enforce none of the policy's rights`,
    );
    return plan.bestEffort ? { prepared: undefined, warnings: [...warnings, none] } : none;
  }
  const attr = rulesetAttr(handled.fs, handled.net);
  const rulesetFd = sys.landlockCreateRuleset(attr, attr.length, 0);
  if (rulesetFd < 0) return syscallFailed('landlock_create_ruleset', sys.lastErrno());
  const rules = addRules(sys, rulesetFd, plan, handled);
  if ('ok' in rules) {
    sys.close(rulesetFd);
    return rules;
  }
  return {
    prepared: {
      rulesetFd,
      abi,
      detail: `ABI ${abi}; handled fs ${hex(handled.fs)}, net ${hex(handled.net)}; ${rules.count} rules${handled.note}`,
    },
    warnings: [...warnings, ...rules.warnings],
  };
}

function addRules(
  sys: LayerSyscalls,
  rulesetFd: number,
  plan: LandlockPlan,
  handled: Handled,
): { count: number; warnings: LayerFailureResult[] } | LayerFailureResult {
  const warnings: LayerFailureResult[] = [];
  let count = 0;
  const settle = (result: LayerResult): LayerFailureResult | undefined => {
    if (result.ok) {
      count += 1;
      return undefined;
    }
    if (plan.bestEffort) warnings.push(result);
    return plan.bestEffort ? undefined : result;
  };
  for (const rule of plan.paths) {
    const access = BigInt(rule.access) & handled.fs;
    if (access === 0n) continue;
    const failure = settle(addPathRule(sys, rulesetFd, rule.path, access));
    if (failure) return failure;
  }
  const ports = [
    ...plan.netBind.map((port) => ({ port, right: 'BIND_TCP' as const })),
    ...plan.netConnect.map((port) => ({ port, right: 'CONNECT_TCP' as const })),
  ];
  for (const { port, right } of ports) {
    if ((landlockConstant(`LANDLOCK_ACCESS_NET_${right}`) & handled.net) === 0n) continue;
    const failure = settle(addPortRule(sys, rulesetFd, port, right));
    if (failure) return failure;
  }
  return { count, warnings };
}

/** landlock_restrict_self: from here on this thread and what it execs are confined. */
export function restrictLandlock(prepared: PreparedLandlock): LayerResult {
  const sys = layerSyscalls();
  const result = sys.landlockRestrictSelf(prepared.rulesetFd, 0);
  const code = sys.lastErrno();
  sys.close(prepared.rulesetFd);
  if (result < 0) {
    const failure = syscallFailed('landlock_restrict_self', code);
    return code === errno('EPERM')
      ? failed(`${failure.message} (it needs no_new_privs: true or CAP_SYS_ADMIN)`, code)
      : failure;
  }
  return succeeded(prepared.detail);
}
