import { beforeAll, describe, expect, it } from 'vitest';
import type { RunMode } from '../../app/api/contract';
import { parsePolicy } from '../../app/policy/parse';
import type { SandboxStateEvent, SelfSandboxEvent, TraceEvent } from '../../app/trace/events';
import { TraceEvent as TraceEventSchema } from '../../app/trace/events';
import { canRunLinuxIntegration, compileCProgram } from '../../native-bridge/linux/c-test-program';
import { builtEntry } from '../paths';
import { startSupervisorSession } from './session';
import type { RunOutcome } from './types';

/**
 * A program that sandboxes itself, run under learn and check mode: the supervisor reads the
 * filter it installs out of its memory, reports each self-restricting call, warns when a filter
 * binds one thread of several, and reports every thread's final state from /proc.
 */

const built = (() => {
  try {
    builtEntry('launcher.mjs');
    builtEntry('notify-worker.mjs');
    return true;
  } catch {
    return false;
  }
})();
if (canRunLinuxIntegration && !built)
  throw new Error('dist/main is not built: run `npm run build` before the integration tests');

/**
 * Modes (argv[1]): `filter` installs a filter (ptrace → EPERM, anything else allowed) while a
 * second thread waits and is still alive at exit; `filter-tsync` does the same with
 * SECCOMP_FILTER_FLAG_TSYNC; `privs` sets no_new_privs, makes itself non-dumpable, lowers
 * RLIMIT_NOFILE to 64/64, drops every capability, then installs the filter (single-threaded).
 */
const SELF_SANDBOXING_C = String.raw`
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int gate[2];

static void *waiter(void *unused) {
  char byte;
  (void)unused;
  if (read(gate[0], &byte, 1) < 0) perror("read");
  return NULL;
}

static int install_filter(unsigned int flags) {
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) != 0) {
    perror("seccomp");
    return 1;
  }
  return 0;
}

static int drop_privileges(void) {
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  struct rlimit limit = { 64, 64 };
  memset(data, 0, sizeof data);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("no_new_privs"); return 1; }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) { perror("dumpable"); return 1; }
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) { perror("setrlimit"); return 1; }
  if (syscall(SYS_capset, &header, data) != 0) { perror("capset"); return 1; }
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  pthread_t thread;
  if (strcmp(mode, "privs") == 0) {
    if (drop_privileges() != 0 || install_filter(0) != 0) return 1;
  } else {
    if (pipe(gate) != 0 || pthread_create(&thread, NULL, waiter, NULL) != 0) return 1;
    if (install_filter(strcmp(mode, "filter-tsync") == 0 ? SECCOMP_FILTER_FLAG_TSYNC : 0) != 0)
      return 1;
  }
  printf("sandboxed %s\n", mode);
  fflush(stdout);
  return 0; /* exit_group while the waiter (if any) still blocks in read */
}
`;

/** learn: nothing pre-allowed, every call is seen; check: everything allowed by the policy. */
const POLICIES: Readonly<Record<RunMode, string>> = {
  learn: `version: 1
linux:
  no_new_privs: false
  seccomp:
    default: kill-process
    rules: []
`,
  check: `version: 1
linux:
  no_new_privs: false
  seccomp:
    default: allow
`,
  enforce: '',
};

const MODES = ['learn', 'check'] as const;

let binary = '';

beforeAll(() => {
  if (canRunLinuxIntegration) binary = compileCProgram('self-sandboxing', SELF_SANDBOXING_C);
});

async function run(
  mode: RunMode,
  command: string[],
  policyText = POLICIES[mode],
): Promise<{ events: TraceEvent[]; outcome: RunOutcome }> {
  const { policy, diagnostics } = parsePolicy(policyText);
  if (!policy) throw new Error(`test policy does not parse: ${JSON.stringify(diagnostics)}`);
  const events: TraceEvent[] = [];
  const session = startSupervisorSession({
    mode,
    policy,
    command,
    onEvents: (batch) => events.push(...batch),
  });
  const outcome = await session.done;
  return { events, outcome };
}

const stdout = (events: TraceEvent[]) =>
  events.flatMap((e) => (e.type === 'stdout' ? [e.data] : [])).join('');
const selfSandbox = (events: TraceEvent[]) =>
  events.filter((e): e is SelfSandboxEvent => e.type === 'self-sandbox');
const sandboxStates = (events: TraceEvent[]) =>
  events.filter((e): e is SandboxStateEvent => e.type === 'sandbox-state');

function expectRanCleanly(events: TraceEvent[], outcome: RunOutcome, programMode: string): void {
  // Warnings (e.g. no run cgroup on this machine) do not make a run unclean.
  const errors = events.filter((e) => e.type === 'error' && e.severity !== 'warning');
  expect(errors, JSON.stringify(errors)).toEqual([]);
  expect(outcome.failure).toBeUndefined();
  expect(stdout(events)).toBe(`sandboxed ${programMode}\n`);
  expect(outcome.exit).toMatchObject({ code: 0, signal: null });
  for (const event of events) expect(TraceEventSchema.safeParse(event).success).toBe(true);
}

function expectTheFilter(event: SelfSandboxEvent | undefined): void {
  expect(event).toMatchObject({ kind: 'seccomp-filter' });
  expect(event?.call).toMatch(/^seccomp\(SECCOMP_SET_MODE_FILTER, /);
  expect(event?.unreadable).toBeUndefined();
  const filter = event?.filter;
  expect(filter?.length).toBe(7);
  expect(filter?.verifyErrors).toBeUndefined();
  expect(filter?.disassembly).toContain('ptrace');
  expect(filter?.disassembly).toContain('ERRNO(1)');
  // The filter checks AUDIT_ARCH_X86_64 but not the x32 bit: x32 calls get through too.
  expect(filter?.policySummary).toBe('arch x86_64, x32; default allow; errno EPERM 1 syscall');
  expect(filter?.decompiled).toMatch(/errno: EPERM[\s\S]*ptrace/);
  expect(event?.summary).toContain('installs a 7-instruction seccomp filter');
}

describe.runIf(canRunLinuxIntegration)(
  'the target sandboxing itself, seen by the supervisor',
  () => {
    for (const mode of MODES) {
      describe(`in ${mode} mode`, () => {
        it('reads back a filter installed without TSYNC and warns about the other thread', async () => {
          const { events, outcome } = await run(mode, [binary, 'filter']);
          expectRanCleanly(events, outcome, 'filter');
          const [event, ...more] = selfSandbox(events);
          expect(more).toEqual([]);
          expectTheFilter(event);
          expect(event?.flags).toEqual([]);
          expect(event?.warning).toMatch(/2 threads.*calling thread only.*other 1 thread/);
          // At exit the difference is there to see: the caller has one filter more than the waiter.
          const states = sandboxStates(events);
          expect(states).toHaveLength(1);
          const threads = states[0]?.threads ?? [];
          expect(threads).toHaveLength(2);
          const caller = threads.find((t) => t.tid === event?.tid);
          const other = threads.find((t) => t.tid !== event?.tid);
          expect(caller?.seccomp).toBe('filter');
          expect(caller?.seccompFilters).toBe((other?.seccompFilters ?? 0) + 1);
        });

        it('reports a TSYNC filter without a warning; every thread ends with it', async () => {
          const { events, outcome } = await run(mode, [binary, 'filter-tsync']);
          expectRanCleanly(events, outcome, 'filter-tsync');
          const [event, ...more] = selfSandbox(events);
          expect(more).toEqual([]);
          expectTheFilter(event);
          expect(event?.flags).toEqual(['SECCOMP_FILTER_FLAG_TSYNC']);
          expect(event?.warning).toBeUndefined();
          const threads = sandboxStates(events)[0]?.threads ?? [];
          expect(threads).toHaveLength(2);
          const counts = new Set(threads.map((t) => t.seccompFilters));
          expect(counts.size).toBe(1);
          expect([...counts][0]).toBeGreaterThanOrEqual(2);
        });

        it('reports no_new_privs, dumpable, setrlimit and capset, and the state they leave', async () => {
          const { events, outcome } = await run(mode, [binary, 'privs']);
          expectRanCleanly(events, outcome, 'privs');
          const reported = selfSandbox(events);
          expect(reported.map((e) => e.kind)).toEqual([
            'no-new-privs',
            'dumpable',
            'rlimit',
            'capset',
            'seccomp-filter',
          ]);
          expect(reported[0]?.call).toBe('prctl(PR_SET_NO_NEW_PRIVS, 1)');
          expect(reported[1]?.call).toBe('prctl(PR_SET_DUMPABLE, 0)');
          expect(reported[1]?.summary).toContain('non-dumpable');
          expect(reported[2]?.summary).toBe('sets its RLIMIT_NOFILE limit to soft 64, hard 64');
          expect(reported[3]?.call).toMatch(/^capset\(0x[0-9a-f]+, 0x[0-9a-f]+\)$/);
          // Read after the target made itself non-dumpable: the supervisor can still read it.
          expectTheFilter(reported[4]);
          for (const event of reported) expect(event.warning).toBeUndefined();

          const states = sandboxStates(events);
          expect(states).toHaveLength(1);
          const [thread, ...others] = states[0]?.threads ?? [];
          expect(others).toEqual([]);
          expect(thread).toMatchObject({ seccomp: 'filter', noNewPrivs: true });
          expect(thread?.seccompFilters).toBeGreaterThanOrEqual(2);
          expect(thread?.capabilities).toMatchObject({
            inheritable: '0000000000000000',
            permitted: '0000000000000000',
            effective: '0000000000000000',
          });
        });
      });
    }

    it('check mode: a self-sandboxing call the policy denies is a denial, not a self-sandbox event', async () => {
      const policy = `version: 1
linux:
  no_new_privs: false
  seccomp:
    default: allow
    rules:
      - errno: EPERM
        syscalls: [prctl]
`;
      const { events, outcome } = await run('check', [binary, 'privs'], policy);
      expect(outcome.exit?.code).toBe(1);
      expect(events.some((e) => e.type === 'denied' && e.name === 'prctl')).toBe(true);
      expect(selfSandbox(events)).toEqual([]);
      expect(sandboxStates(events)[0]?.threads[0]).toMatchObject({ noNewPrivs: false });
    });

    it('reports the final state of every process of the run, once each', async () => {
      const { events, outcome } = await run('learn', [
        '/bin/sh',
        '-c',
        '/bin/true; /bin/true; /bin/true',
      ]);
      expect(outcome.exit?.code).toBe(0);
      const pids = sandboxStates(events).map((e) => e.pid);
      const processes = events.flatMap((e) => (e.type === 'process' ? [e.pid] : []));
      expect(pids.length).toBeGreaterThanOrEqual(3);
      expect(new Set(pids).size).toBe(pids.length);
      expect(new Set(pids)).toEqual(new Set(processes));
      expect(pids).toContain(outcome.exit?.pid);
    });
  },
);
