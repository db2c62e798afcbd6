import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeProgram, jump, OP, SECCOMP_DATA, stmt } from '../../app/bpf/encode';
import type { SeccompData } from '../../app/bpf/program';
import { constantValue } from '../../app/linux/arch-constants';
import { AUDIT_ARCH, PRCTL, SECCOMP } from '../../app/linux/constants';
import { errnoByName } from '../../app/linux/errno';
import { syscallNumber } from '../../app/linux/syscalls';
import { TraceEvent } from '../../app/trace/events';
import { canRunLinuxIntegration } from '../../native-bridge/linux/c-test-program';
import { libc } from '../../native-bridge/linux/libc';
import { threadIds } from '../../native-bridge/linux/proc-status';
import {
  captureSelfSandboxCall,
  finalSandboxState,
  SELF_SANDBOX_DECOMPILE_BUDGET,
  selfSandboxEvent,
  type NotificationSite,
} from './self-sandbox-observer';

/**
 * The observer on the test's own process: its memory stands in for a target's (process_vm_readv
 * on ourselves), and this Node process has several threads, like a multi-threaded target.
 */

const ARCH = 'x86_64';
const X86_64 = AUDIT_ARCH.AUDIT_ARCH_X86_64;
const VALID = (): boolean => true;
const GONE = (): boolean => false;

function nr(name: string): number {
  const number = syscallNumber(ARCH, name);
  if (number === undefined) throw new Error(`no ${name} on ${ARCH}`);
  return number;
}

function site(name: string, args: bigint[], auditArch = X86_64): NotificationSite {
  const padded = [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6) as unknown as SeccompData['args'];
  return {
    t: 12.5,
    pid: process.pid,
    tid: process.pid,
    data: { nr: nr(name), arch: auditArch, instructionPointer: 0n, args: padded },
  };
}

const EPERM = errnoByName('EPERM')?.value ?? 0;
const FILTER = encodeProgram([
  stmt(OP.LD_W_ABS, SECCOMP_DATA.arch),
  jump(OP.JEQ_K, X86_64, 1, 0),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_KILL_PROCESS),
  stmt(OP.LD_W_ABS, SECCOMP_DATA.nr),
  jump(OP.JEQ_K, nr('ptrace'), 0, 1),
  stmt(OP.RET_K, (SECCOMP.SECCOMP_RET_ERRNO | EPERM) >>> 0),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_ALLOW),
]);

/** A 64-bit `struct sock_fprog` and its filter in this process; keep both referenced. */
function fprogInMemory(bytes: Uint8Array): { fprog: Buffer; filter: Buffer; address: bigint } {
  const c = libc();
  const filter = Buffer.from(bytes);
  const fprog = Buffer.alloc(16);
  fprog.writeUInt16LE(bytes.length / 8, 0);
  fprog.writeBigUInt64LE(c.address(filter), 8);
  return { fprog, filter, address: c.address(fprog) };
}

const SET_FILTER = BigInt(SECCOMP.SECCOMP_SET_MODE_FILTER);
const TSYNC = BigInt(SECCOMP.SECCOMP_FILTER_FLAG_TSYNC);
const RLIMIT_NOFILE = constantValue(ARCH, 'RLIMIT_NOFILE') ?? -1n;
const UNLIMITED = (1n << 64n) - 1n;

describe.runIf(canRunLinuxIntegration)('the self-sandbox observer', () => {
  it('copies the filter a seccomp() call points to and counts the threads', () => {
    const memory = fprogInMemory(FILTER);
    const captured = captureSelfSandboxCall(
      libc(),
      site('seccomp', [SET_FILTER, 0n, memory.address]),
      VALID,
    );
    expect(captured?.call.kind).toBe('seccomp-filter');
    expect(captured?.context.filterBytes).toEqual(FILTER);
    expect(captured?.context.threadCount).toBe(threadIds(process.pid).length);
    expect(captured?.context.decompileBudget).toBe(SELF_SANDBOX_DECOMPILE_BUDGET);
    expect(captured?.context.t).toBe(12.5);

    const event = captured && selfSandboxEvent(captured);
    expect(TraceEvent.safeParse(event).success).toBe(true);
    expect(event?.filter?.length).toBe(7);
    expect(event?.filter?.policySummary).toContain('errno EPERM 1 syscall');
    expect(event?.warning).toMatch(/calling thread only/);
    expect(memory.fprog.length + memory.filter.length).toBeGreaterThan(0); // kept alive until here
  });

  it('with TSYNC the call binds every thread: no thread count, no warning', () => {
    const memory = fprogInMemory(FILTER);
    const captured = captureSelfSandboxCall(
      libc(),
      site('seccomp', [SET_FILTER, TSYNC, memory.address]),
      VALID,
    );
    expect(captured?.context.threadCount).toBeUndefined();
    expect(captured && selfSandboxEvent(captured).warning).toBeUndefined();
    expect(memory.fprog.length).toBe(16);
  });

  it('discards what it read once the notification is no longer valid', () => {
    const memory = fprogInMemory(FILTER);
    const captured = captureSelfSandboxCall(
      libc(),
      site('seccomp', [SET_FILTER, 0n, memory.address]),
      GONE,
    );
    expect(captured?.context.filterBytes).toBeUndefined();
    expect(captured?.context.unreadable).toMatch(/no longer valid/);
    const event = captured && selfSandboxEvent(captured);
    expect(event?.filter).toBeUndefined();
    expect(event?.summary).toBe('installs a seccomp filter');
    expect(memory.fprog.length).toBe(16);
  });

  it('says why a filter cannot be read (NULL pointer, prctl(PR_SET_SECCOMP) alike)', () => {
    const viaSeccomp = captureSelfSandboxCall(libc(), site('seccomp', [SET_FILTER, 0n, 0n]), VALID);
    expect(viaSeccomp?.context.unreadable).toMatch(/NULL/);
    const viaPrctl = captureSelfSandboxCall(
      libc(),
      site('prctl', [BigInt(PRCTL.PR_SET_SECCOMP), BigInt(SECCOMP.SECCOMP_MODE_FILTER), 0n]),
      VALID,
    );
    expect(viaPrctl?.call.call).toMatch(/^prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, /);
    expect(viaPrctl?.context.unreadable).toMatch(/NULL/);
  });

  it('reads the new limit of prlimit64 on itself, and discards it when no longer valid', () => {
    const limit = Buffer.alloc(16);
    limit.writeBigUInt64LE(64n, 0);
    limit.writeBigUInt64LE(UNLIMITED, 8);
    const address = libc().address(limit);
    const args = [0n, RLIMIT_NOFILE, address, 0n];
    const captured = captureSelfSandboxCall(libc(), site('prlimit64', args), VALID);
    expect(captured?.context.rlimitBytes).toEqual(new Uint8Array(limit));
    expect(captured?.context.threadCount).toBeUndefined(); // limits are per process
    expect(captured && selfSandboxEvent(captured).summary).toBe(
      'sets its RLIMIT_NOFILE limit to soft 64, hard unlimited',
    );
    const gone = captureSelfSandboxCall(libc(), site('prlimit64', args), GONE);
    expect(gone?.context.rlimitBytes).toBeUndefined();
    expect(gone?.context.unreadable).toMatch(/no longer valid/);
    const nowhere = captureSelfSandboxCall(libc(), site('setrlimit', [RLIMIT_NOFILE, 8n]), VALID);
    expect(nowhere?.context.unreadable).toMatch(/^struct rlimit: cannot read 16 bytes at 0x8/);
  });

  it('reads nothing for calls that carry their whole meaning in registers', () => {
    const captured = captureSelfSandboxCall(
      libc(),
      site('prctl', [BigInt(PRCTL.PR_SET_NO_NEW_PRIVS), 1n]),
      GONE, // never asked: nothing was read
    );
    expect(captured?.context).toEqual({
      t: 12.5,
      pid: process.pid,
      tid: process.pid,
      threadCount: threadIds(process.pid).length,
      decompileBudget: SELF_SANDBOX_DECOMPILE_BUDGET,
    });
  });

  it('ignores other calls of the always-notified syscalls, and unknown arches', () => {
    const name = Buffer.from('x\0');
    const setName = site('prctl', [BigInt(PRCTL.PR_SET_NAME), libc().address(name)]);
    expect(captureSelfSandboxCall(libc(), setName, VALID)).toBeUndefined();
    const readOnly = site('prlimit64', [0n, RLIMIT_NOFILE, 0n, 0x1000n]);
    expect(captureSelfSandboxCall(libc(), readOnly, VALID)).toBeUndefined();
    const foreign = site('seccomp', [SET_FILTER, 0n, 0n], 0x1234);
    expect(captureSelfSandboxCall(libc(), foreign, VALID)).toBeUndefined();
  });

  it('reads every thread of a process at exit', () => {
    const events = finalSandboxState(process.pid, 3, VALID);
    expect(events).toHaveLength(1);
    const [state] = events;
    expect(TraceEvent.safeParse(state).success).toBe(true);
    if (state?.type !== 'sandbox-state') throw new Error('expected a sandbox-state event');
    expect(state).toMatchObject({ pid: process.pid, t: 3 });
    // Threads come and go in a Node process: most of them are still there a moment later.
    const now = new Set(threadIds(process.pid));
    expect(state.threads.filter((t) => now.has(t.tid)).length).toBeGreaterThan(1);
    expect(state.threads.find((t) => t.tid === process.pid)?.seccomp).toBeDefined();
  });

  it('reports nothing for a process that is gone or a notification no longer valid', () => {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    expect(finalSandboxState(pidMax, 0, VALID)).toEqual([]); // pids stay below pid_max
    expect(finalSandboxState(process.pid, 0, GONE)).toEqual([]);
  });
});
