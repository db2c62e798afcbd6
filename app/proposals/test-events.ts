import { syscallNumber, type Arch } from '../linux/syscalls';
import type { TraceEvent } from '../trace/events';

/** Trace events for the proposals tests, as the supervisor reports them. */

function hexArgs(args: readonly (number | bigint)[]): string[] {
  return [0, 1, 2, 3, 4, 5].map(
    (i) => `0x${BigInt.asUintN(64, BigInt(args[i] ?? 0)).toString(16)}`,
  );
}

function numberOf(arch: Arch, name: string): number {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) throw new Error(`${name} is not a syscall of ${arch}`);
  return nr;
}

export interface EventOptions {
  readonly action?: string;
  readonly pid?: number;
  readonly arch?: Arch;
}

/** A check-mode denial of `name` called with `args` (missing ones are 0). */
export function denied(
  name: string,
  args: readonly (number | bigint)[] = [],
  options: EventOptions = {},
): TraceEvent {
  const arch = options.arch ?? 'x86_64';
  const pid = options.pid ?? 100;
  return {
    type: 'denied',
    t: 1,
    pid,
    tid: pid,
    name,
    nr: numberOf(arch, name),
    arch,
    args: hexArgs(args),
    action: options.action ?? 'kill-process',
  };
}

/** A learn-mode `syscall` event: the policy does not allow `name` yet. */
export function learned(
  name: string,
  args: readonly (number | bigint)[] = [],
  options: EventOptions = {},
): TraceEvent {
  const arch = options.arch ?? 'x86_64';
  const pid = options.pid ?? 100;
  return {
    type: 'syscall',
    t: 1,
    pid,
    tid: pid,
    name,
    nr: numberOf(arch, name),
    arch,
    args: hexArgs(args),
    action: options.action ?? 'kill-process',
  };
}

/** An enforce-mode denial from the kernel's audit record: no arguments. */
export function audited(name: string, action = 'kill-process'): TraceEvent {
  return {
    type: 'denied',
    t: 1,
    pid: 100,
    tid: 100,
    name,
    nr: numberOf('x86_64', name),
    arch: 'x86_64',
    args: [],
    action,
    source: 'audit',
  };
}
