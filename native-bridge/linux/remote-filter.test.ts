import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { jump, OP, SECCOMP_DATA, stmt } from '../../app/bpf/encode';
import { AUDIT_ARCH, BPF, SECCOMP } from '../../app/linux/constants';
import { syscallNumber } from '../../app/linux/syscalls';
import { decodeSelfSandboxCall } from '../../app/trace/self-sandbox';
import { describeSelfSandbox } from '../../app/trace/self-sandbox-describe';
import { SelfSandboxEvent } from '../../app/trace/self-sandbox-event';
import { canRunLinuxIntegration, compileCProgram } from './c-test-program';
import { libc } from './libc';
import { readRemoteBytes, readRemoteFilter } from './remote-filter';

/**
 * Holds sock_fprogs in memory, prints their addresses and stops itself (SIGSTOP), the way a
 * target sits blocked in a seccomp notification:
 *   good   — a 64-bit sock_fprog of a 7-instruction filter;
 *   compat — the same filter behind a 32-bit sock_fprog, both in low memory (MAP_32BIT), as an
 *            i386/x32 process would pass it;
 *   huge   — len BPF_MAXINSNS + 1;  empty — len 0;  dangling — a filter pointer to nowhere.
 */
const HOLDER_PROGRAM = String.raw`
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

struct compat_sock_fprog { uint16_t len; uint32_t filter; } __attribute__((aligned(4)));

int main(void) {
  static struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  static struct sock_fprog good = { sizeof filter / sizeof filter[0], filter };
  static struct sock_fprog huge = { BPF_MAXINSNS + 1, filter };
  static struct sock_fprog empty = { 0, filter };
  static struct sock_fprog dangling = { 7, (struct sock_filter *)0x10 };
  char *low = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return 2;
  memcpy(low + 64, filter, sizeof filter);
  struct compat_sock_fprog *compat = (struct compat_sock_fprog *)low;
  compat->len = sizeof filter / sizeof filter[0];
  compat->filter = (uint32_t)(uintptr_t)(low + 64);
  printf("%p %p %p %p %p\n", (void *)&good, (void *)compat, (void *)&huge, (void *)&empty,
         (void *)&dangling);
  fflush(stdout);
  raise(SIGSTOP);
  return 0;
}
`;

const EXPECTED = [
  stmt(OP.LD_W_ABS, SECCOMP_DATA.arch),
  jump(OP.JEQ_K, AUDIT_ARCH.AUDIT_ARCH_X86_64, 1, 0),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_KILL_PROCESS),
  stmt(OP.LD_W_ABS, SECCOMP_DATA.nr),
  jump(OP.JEQ_K, syscallNumber('x86_64', 'getppid') ?? -1, 0, 1),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_KILL_PROCESS),
  stmt(OP.RET_K, SECCOMP.SECCOMP_RET_ALLOW),
];

const binary = canRunLinuxIntegration
  ? compileCProgram('remote-filter-holder', HOLDER_PROGRAM)
  : '';
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

interface Holder {
  readonly pid: number;
  readonly good: bigint;
  readonly compat: bigint;
  readonly huge: bigint;
  readonly empty: bigint;
  readonly dangling: bigint;
}

async function startHolder(): Promise<Holder> {
  child = spawn(binary, [], { stdio: 'pipe' });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const [good = 0n, compat = 0n, huge = 0n, empty = 0n, dangling = 0n] = chunk
    .toString()
    .trim()
    .split(' ')
    .map((text) => BigInt(text));
  return { pid: child.pid ?? -1, good, compat, huge, empty, dangling };
}

describe.skipIf(!canRunLinuxIntegration)('readRemoteFilter (real process)', () => {
  it('reads the sock_fprog and its instructions from a stopped process', async () => {
    const holder = await startHolder();
    const result = readRemoteFilter(holder.pid, 'x86_64', holder.good);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.length).toBe(7);
    expect(result.program).toEqual(EXPECTED);
    expect(result.bytes.length).toBe(56);
  });

  it('reads the 32-bit sock_fprog layout of i386 and x32 callers', async () => {
    const holder = await startHolder();
    for (const arch of ['i386', 'x32'] as const) {
      const result = readRemoteFilter(holder.pid, arch, holder.compat);
      expect(result.ok && result.program).toEqual(EXPECTED);
    }
  });

  it('refuses lengths the kernel refuses, without reading them', async () => {
    const holder = await startHolder();
    expect(readRemoteFilter(holder.pid, 'x86_64', holder.huge)).toEqual({
      ok: false,
      error: `the sock_fprog has len ${BPF.BPF_MAXINSNS + 1}, more than BPF_MAXINSNS (${BPF.BPF_MAXINSNS}): the kernel refuses it (EINVAL)`,
    });
    expect(readRemoteFilter(holder.pid, 'x86_64', holder.empty)).toEqual({
      ok: false,
      error: 'the sock_fprog has len 0: the kernel refuses an empty filter (EINVAL)',
    });
  });

  it('says which read failed for bad pointers', async () => {
    const holder = await startHolder();
    expect(readRemoteFilter(holder.pid, 'x86_64', holder.dangling)).toEqual({
      ok: false,
      error: 'filter: cannot read 56 bytes at 0x10: EFAULT',
    });
    expect(readRemoteFilter(holder.pid, 'x86_64', 0n)).toEqual({
      ok: false,
      error: 'sock_fprog: the pointer is NULL',
    });
  });

  it('discards what it read when the notification is no longer valid', async () => {
    const holder = await startHolder();
    const result = readRemoteFilter(holder.pid, 'x86_64', holder.good, {
      isStillValid: () => false,
    });
    expect(result.ok || result.error).toContain('no longer valid');
  });

  it('fails cleanly for a process that is gone', async () => {
    const holder = await startHolder();
    child?.kill('SIGKILL');
    await once(child!, 'exit');
    expect(readRemoteFilter(holder.pid, 'x86_64', holder.good)).toEqual({
      ok: false,
      error: `sock_fprog: cannot read 16 bytes at 0x${holder.good.toString(16)}: ESRCH`,
    });
  });

  it('reads other structs the same way (the new rlimit of a setrlimit call)', async () => {
    const holder = await startHolder();
    const read = readRemoteBytes(libc(), holder.pid, holder.good, 2);
    expect('bytes' in read && read.bytes.readUInt16LE(0)).toBe(7);
  });

  it('feeds the self-sandbox event: notification → decode → read → describe', async () => {
    const holder = await startHolder();
    const args = [SECCOMP.SECCOMP_SET_MODE_FILTER, SECCOMP.SECCOMP_FILTER_FLAG_LOG, holder.good];
    const call = decodeSelfSandboxCall({
      arch: 'x86_64',
      nr: syscallNumber('x86_64', 'seccomp') ?? -1,
      args: [...args.map((a) => BigInt(a)), 0n, 0n, 0n],
      pid: holder.pid,
      tid: holder.pid,
    });
    if (!call?.fprog) throw new Error('not decoded as a filter');
    const read = readRemoteFilter(holder.pid, call.arch, call.fprog.address);
    const event = describeSelfSandbox(call, {
      t: 1,
      pid: holder.pid,
      tid: holder.pid,
      threadCount: 1,
      ...(read.ok ? { filterBytes: read.bytes } : { unreadable: read.error }),
    });
    expect(SelfSandboxEvent.parse(event)).toEqual(event);
    expect(event.summary).toBe(
      'installs a 7-instruction seccomp filter: arch x86_64, x32; default allow; kill-process 1 syscall',
    );
    expect(event.filter?.decompiled).toContain('getppid');
  });
});
