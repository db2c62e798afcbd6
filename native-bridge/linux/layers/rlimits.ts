import { constantValue } from '../../../app/linux/arch-constants';
import type { RlimitPlan, RlimitValue } from '../../../app/sandbox/layer-plan';
import { succeeded, syscallFailed, type LayerResult } from './layer-result';
import { layerSyscalls } from './layer-syscalls';

/** struct rlimit64 { __u64 rlim_cur; __u64 rlim_max; } */
const RLIMIT64_SIZE = 16;

function infinity(): bigint {
  const value = constantValue('x86_64', 'RLIM_INFINITY');
  if (value === undefined) throw new Error('RLIM_INFINITY is missing from the generated tables');
  return value;
}

export function rlimitNumber(value: RlimitValue): bigint {
  return value === 'unlimited' ? infinity() : BigInt(value);
}

function formatValue(value: bigint): string {
  return value === infinity() ? 'unlimited' : value.toString();
}

/**
 * Sets one resource limit, soft and hard in one prlimit64 call so that lowering both never passes
 * through an invalid soft > hard state. `pid` 0 is the calling process; another pid lets a
 * supervisor impose a limit the launcher could not (see apply-layers.ts: RLIMIT_NOFILE with a
 * seccomp listener).
 */
export function setRlimit(plan: RlimitPlan, pid = 0): LayerResult {
  const soft = rlimitNumber(plan.soft);
  const hard = rlimitNumber(plan.hard);
  const limit = Buffer.alloc(RLIMIT64_SIZE);
  limit.writeBigUInt64LE(soft, 0);
  limit.writeBigUInt64LE(hard, 8);
  const sys = layerSyscalls();
  const text = `${plan.name}=${formatValue(soft)}/${formatValue(hard)}`;
  if (sys.prlimit(pid, plan.resource, limit, null) < 0) {
    return syscallFailed(`prlimit64(${text})`, sys.lastErrno());
  }
  return succeeded(text);
}

export interface RlimitReading {
  readonly soft: bigint;
  readonly hard: bigint;
}

export function getRlimit(resource: number, pid = 0): RlimitReading | LayerResult {
  const limit = Buffer.alloc(RLIMIT64_SIZE);
  const sys = layerSyscalls();
  if (sys.prlimit(pid, resource, null, limit) < 0) {
    return syscallFailed(`prlimit64(${resource})`, sys.lastErrno());
  }
  return { soft: limit.readBigUInt64LE(0), hard: limit.readBigUInt64LE(8) };
}
