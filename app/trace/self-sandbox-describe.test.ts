import { describe, expect, it } from 'vitest';
import { fixtureBytes, LIBSECCOMP_FIXTURES } from '../bpf/decompile-fixtures';
import { encodeProgram, jump, OP, SECCOMP_DATA, stmt } from '../bpf/encode';
import { constantValue } from '../linux/arch-constants';
import { AUDIT_ARCH, PRCTL, SECCOMP } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import {
  describeFilter,
  describeSelfSandbox,
  rlimitValues,
  threadWarning,
  type SelfSandboxContext,
} from './self-sandbox-describe';
import { decodeSelfSandboxCall, type SelfSandboxCall } from './self-sandbox';
import { SelfSandboxEvent } from './self-sandbox-event';

const context: SelfSandboxContext = { t: 12.5, pid: 100, tid: 101 };

function call(name: string, args: readonly (number | bigint)[]): SelfSandboxCall {
  const nr = syscallNumber('x86_64', name) ?? -1;
  const six = [0, 1, 2, 3, 4, 5].map((i) => BigInt(args[i] ?? 0));
  const decoded = decodeSelfSandboxCall({ arch: 'x86_64', nr, args: six, pid: 100, tid: 101 });
  if (!decoded) throw new Error(`${name} is not a self-sandboxing call`);
  return decoded;
}

const filterCall = (flags = 0) =>
  call('seccomp', [SECCOMP.SECCOMP_SET_MODE_FILTER, flags, 0x7ffd0000]);

/** x86_64 only; getppid → kill-process; everything else allowed. */
const SMALL_FILTER = encodeProgram([
  stmt(OP.LD_W_ABS, SECCOMP_DATA.arch),
  jump(OP.JEQ_K, AUDIT_ARCH.AUDIT_ARCH_X86_64, 1, 0),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_KILL_PROCESS),
  stmt(OP.LD_W_ABS, SECCOMP_DATA.nr),
  jump(OP.JEQ_K, syscallNumber('x86_64', 'getppid') ?? -1, 0, 1),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_KILL_PROCESS),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_ALLOW),
]);

describe('describeSelfSandbox: filters', () => {
  it('disassembles, checks and decompiles the filter read from the target', () => {
    const event = describeSelfSandbox(filterCall(SECCOMP.SECCOMP_FILTER_FLAG_LOG), {
      ...context,
      filterBytes: SMALL_FILTER,
      threadCount: 1,
    });
    expect(SelfSandboxEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      type: 'self-sandbox',
      t: 12.5,
      pid: 100,
      tid: 101,
      kind: 'seccomp-filter',
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      // The filter checks AUDIT_ARCH_X86_64 but not the x32 bit: x32 syscalls get through too.
      summary:
        'installs a 7-instruction seccomp filter: arch x86_64, x32; default allow; kill-process 1 syscall',
    });
    expect(event.warning).toBeUndefined();
    expect(event.filter?.length).toBe(7);
    expect(event.filter?.disassembly).toContain('if (A != getppid) goto 0006');
    expect(event.filter?.decompiled).toContain('default: allow');
    expect(event.filter?.decompiled).toContain('getppid');
    expect(event.filter?.verifyErrors).toBeUndefined();
  });

  it('summarizes a libseccomp filter with conditions per action', () => {
    const fixture = LIBSECCOMP_FIXTURES.find((f) => f.name.startsWith('argument checks'));
    const filter = describeFilter(fixtureBytes(fixture!), filterCall());
    expect(filter.policySummary).toMatch(
      /^arch x86_64; default errno EPERM; allow \d+ syscalls? \(\+\d+ under argument conditions\)/,
    );
  });

  it('reports what the kernel would refuse instead of decompiling', () => {
    const bad = encodeProgram([stmt(OP.LD_W_ABS, SECCOMP_DATA.nr)]);
    const event = describeSelfSandbox(filterCall(), { ...context, filterBytes: bad });
    expect(event.filter?.verifyErrors).toEqual([
      'instruction 0: the last instruction must be a RET',
    ]);
    expect(event.filter?.decompiled).toBeUndefined();
    expect(event.summary).toBe(
      'installs a 1-instruction seccomp filter the kernel will refuse (instruction 0: the last instruction must be a RET)',
    );
  });

  it('says why a filter could not be decompiled within the budget', () => {
    const fixture = LIBSECCOMP_FIXTURES.find((f) => f.name.startsWith('argument checks'));
    const event = describeSelfSandbox(filterCall(), {
      ...context,
      filterBytes: fixtureBytes(fixture!),
      decompileBudget: { steps: 3, leaves: 1 },
    });
    expect(event.filter?.decompileError).toBeTruthy();
    expect(event.filter?.disassembly).toContain('return');
    expect(event.summary).toMatch(/^installs a \d+-instruction seccomp filter$/);
  });

  it('treats bytes that are not whole instructions as unreadable', () => {
    const event = describeSelfSandbox(filterCall(), { ...context, filterBytes: new Uint8Array(5) });
    expect(event.filter).toBeUndefined();
    expect(event.unreadable).toContain('whole number of 8-byte instructions');
  });

  it('passes on why the memory could not be read', () => {
    const event = describeSelfSandbox(filterCall(), { ...context, unreadable: 'EFAULT' });
    expect(event).toMatchObject({ summary: 'installs a seccomp filter', unreadable: 'EFAULT' });
  });

  it('warns that a filter without TSYNC leaves the other threads unfiltered', () => {
    const event = describeSelfSandbox(filterCall(), { ...context, threadCount: 3 });
    expect(event.warning).toBe(
      'the process has 3 threads; the filter (installed without SECCOMP_FILTER_FLAG_TSYNC) binds the calling thread only: the other 2 threads keep running without it',
    );
    const tsync = describeSelfSandbox(filterCall(SECCOMP.SECCOMP_FILTER_FLAG_TSYNC), {
      ...context,
      threadCount: 3,
    });
    expect(tsync.warning).toBeUndefined();
  });
});

describe('describeSelfSandbox: other calls', () => {
  it('warns about per-thread credentials, not process-wide settings', () => {
    expect(threadWarning(call('prctl', [PRCTL.PR_SET_NO_NEW_PRIVS, 1]), 2)).toBe(
      'the process has 2 threads; no_new_privs is set on the calling thread only: the other 1 thread keeps running without it',
    );
    expect(threadWarning(call('prctl', [PRCTL.PR_SET_DUMPABLE, 0]), 2)).toBeUndefined();
    expect(threadWarning(call('prctl', [PRCTL.PR_SET_NO_NEW_PRIVS, 1]), 1)).toBeUndefined();
    expect(threadWarning(call('prctl', [PRCTL.PR_SET_NO_NEW_PRIVS, 1]), undefined)).toBeUndefined();
  });

  it('shows the new resource limits read from the target', () => {
    const nofile = constantValue('x86_64', 'RLIMIT_NOFILE') ?? -1n;
    const limits = new Uint8Array(16);
    new DataView(limits.buffer).setBigUint64(0, 16n, true);
    new DataView(limits.buffer).setBigUint64(8, (1n << 64n) - 1n, true);
    const event = describeSelfSandbox(call('setrlimit', [nofile, 0x1000]), {
      ...context,
      rlimitBytes: limits,
    });
    expect(event.summary).toBe('sets its RLIMIT_NOFILE limit to soft 16, hard unlimited');
    expect(SelfSandboxEvent.parse(event)).toEqual(event);
  });

  it('reads 32-bit limits, and refuses short buffers', () => {
    const limits = new Uint8Array([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(rlimitValues(limits, 4)).toEqual(['0', 'unlimited']);
    expect(rlimitValues(limits, 8)).toBeUndefined();
  });

  it('describes a call without memory as decoded', () => {
    const event = describeSelfSandbox(call('prctl', [PRCTL.PR_SET_NO_NEW_PRIVS, 1]), context);
    expect(event).toEqual({
      type: 'self-sandbox',
      t: 12.5,
      pid: 100,
      tid: 101,
      kind: 'no-new-privs',
      call: 'prctl(PR_SET_NO_NEW_PRIVS, 1)',
      summary: 'sets no_new_privs (execve can no longer gain privileges)',
      flags: [],
    });
  });
});
