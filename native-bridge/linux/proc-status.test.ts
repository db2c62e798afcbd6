import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { capabilityNames } from '../../app/linux/proc-status';
import { canRunLinuxIntegration, compileCProgram } from './c-test-program';
import { readProcessSandboxStatus, threadIds } from './proc-status';

/**
 * Three threads with different sandboxes: `early` starts before main sandboxes itself, main then
 * sets no_new_privs, keeps only CAP_CHOWN and CAP_KILL (capset) and installs a filter without
 * TSYNC; `late` starts after, inheriting all of it. Prints the three tids, then waits for stdin.
 */
const THREADS_PROGRAM = String.raw`
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

static volatile long early_tid, late_tid;

static void *early(void *arg) { early_tid = syscall(SYS_gettid); pause(); return arg; }
static void *late(void *arg) { late_tid = syscall(SYS_gettid); pause(); return arg; }

int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, early, 0);
  while (!early_tid) usleep(1000);
  struct sock_filter filter[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
  struct sock_fprog prog = { 1, filter };
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  unsigned keep = 1u << CAP_CHOWN | 1u << CAP_KILL;
  struct __user_cap_data_struct data[2] = { { keep, keep, 0 }, { 0, 0, 0 } };
  if (syscall(SYS_capset, &header, data)) return 2;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) return 3;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) return 4;
  pthread_create(&b, 0, late, 0);
  while (!late_tid) usleep(1000);
  printf("%ld %ld %ld\n", (long)syscall(SYS_gettid), early_tid, late_tid);
  fflush(stdout);
  char line[8];
  fgets(line, sizeof line, stdin);
  return 0;
}
`;

const binary = canRunLinuxIntegration
  ? compileCProgram('proc-status-threads', THREADS_PROGRAM)
  : '';
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

async function startThreads(): Promise<{ pid: number; tids: number[] }> {
  child = spawn(binary, [], { stdio: 'pipe' });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const tids = chunk.toString().trim().split(' ').map(Number);
  return { pid: child.pid ?? -1, tids };
}

describe.skipIf(!canRunLinuxIntegration)('readProcessSandboxStatus (real process)', () => {
  it('shows each thread its own seccomp, no_new_privs and capabilities', async () => {
    const { pid, tids } = await startThreads();
    const [main, early, late] = tids;
    expect(threadIds(pid)).toEqual([...tids].sort((a, b) => a - b));
    const status = readProcessSandboxStatus(pid);
    expect(status?.errors).toEqual([]);
    const byTid = new Map(status?.threads.map((t) => [t.tid, t]));
    for (const tid of [main, late]) {
      expect(byTid.get(tid ?? -1)).toMatchObject({
        tgid: pid,
        seccomp: 'filter',
        seccompFilters: 1,
        noNewPrivs: true,
      });
      expect(capabilityNames(byTid.get(tid ?? -1)?.capabilities.effective ?? 0n)).toEqual([
        'CAP_CHOWN',
        'CAP_KILL',
      ]);
    }
    const unfiltered = byTid.get(early ?? -1);
    expect(unfiltered).toMatchObject({
      tgid: pid,
      seccomp: 'disabled',
      seccompFilters: 0,
      noNewPrivs: false,
    });
    expect(capabilityNames(unfiltered?.capabilities.effective ?? 0n)).toContain('CAP_SYS_ADMIN');
  });

  it('is undefined once the process is gone', async () => {
    const { pid } = await startThreads();
    child?.kill('SIGKILL');
    await once(child!, 'exit');
    expect(readProcessSandboxStatus(pid)).toBeUndefined();
    expect(threadIds(pid)).toEqual([]);
  });
});
