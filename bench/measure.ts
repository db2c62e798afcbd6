import { runFilter, seccompDataFor } from '../app/bpf/emulate';
import type { BpfProgram, SeccompData } from '../app/bpf/program';
import { AUDIT_ARCH } from '../app/linux/constants';
import { interpretResolved } from '../app/policy/interpret';
import type { ResolvedPolicy } from '../app/policy/resolved';
import type { TracedCall } from './traces';

export interface ProgramFigures {
  readonly instructions: number;
  /** Mean BPF instructions executed per syscall of the workload. */
  readonly meanExecuted: number;
  readonly maxExecuted: number;
}

export function asSeccompData(calls: readonly TracedCall[]): SeccompData[] {
  return calls.map((c) => seccompDataFor(c.nr, c.args, AUDIT_ARCH.AUDIT_ARCH_X86_64));
}

/** The calls the policy allows: what a workload that runs cleanly under it makes. */
export function allowedBy(policy: ResolvedPolicy, calls: readonly SeccompData[]): SeccompData[] {
  return calls.filter((data) => interpretResolved(policy, data).kind === 'allow');
}

export function measure(program: BpfProgram, workload: readonly SeccompData[]): ProgramFigures {
  let total = 0;
  let max = 0;
  for (const data of workload) {
    const { executed } = runFilter(program, data);
    total += executed;
    max = Math.max(max, executed);
  }
  return {
    instructions: program.length,
    meanExecuted: workload.length === 0 ? 0 : total / workload.length,
    maxExecuted: max,
  };
}

/** Workload calls on which the two programs return different values. */
export function disagreements(a: BpfProgram, b: BpfProgram, workload: readonly SeccompData[]) {
  return workload.filter((data) => runFilter(a, data).ret !== runFilter(b, data).ret).length;
}

/** How often each syscall number occurs: the weights of a frequency-weighted dispatch. */
export function frequencies(workload: readonly SeccompData[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const data of workload) counts.set(data.nr, (counts.get(data.nr) ?? 0) + 1);
  return counts;
}

/** Median wall time in milliseconds of `runs` calls after a few warm-up calls. */
export function medianMs(runs: number, work: () => void): number {
  for (let i = 0; i < 3; i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  const middle = times.length >> 1;
  return times.length % 2 === 1
    ? (times[middle] ?? 0)
    : ((times[middle - 1] ?? 0) + (times[middle] ?? 0)) / 2;
}
