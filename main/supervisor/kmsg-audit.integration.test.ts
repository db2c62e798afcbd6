import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_SECCOMP_TYPE, type SeccompAuditRecord } from '../../app/trace/audit-record';
import { createRunCgroup, type RunCgroup } from '../../native-bridge/linux/cgroup';
import { canRunLinuxIntegration, compileCProgram } from '../../native-bridge/linux/c-test-program';
import { followSeccompAudit } from './kmsg-audit';

/**
 * A program that installs, with SECCOMP_FILTER_FLAG_LOG, `uname → errno EPERM` and
 * `getppid → kill-process`, waits for a line on stdin (so the test can put it into a cgroup
 * first), then calls uname and getppid. The kernel logs both; the second kills it with SIGSYS.
 */
const DENIED_PROGRAM = String.raw`
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

int main(void) {
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) return 2;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog)) return 3;
  char line[8];
  if (!fgets(line, sizeof line, stdin)) return 4;
  struct utsname u;
  if (uname(&u) == 0 || errno != EPERM) return 5;
  syscall(SYS_getppid);
  return 6;
}
`;

const binary = canRunLinuxIntegration ? compileCProgram('kmsg-denied', DENIED_PROGRAM) : '';
const cgroups: RunCgroup[] = [];
afterAll(() => cgroups.forEach((c) => c.remove()));

interface Observed {
  readonly pid: number;
  readonly signal: NodeJS.Signals | null;
  readonly records: SeccompAuditRecord[];
  readonly suppressed: number;
}

/** How a run finds its processes: the pid set the caller keeps, or a cgroup. */
type Membership = { readonly by: 'pid' } | { readonly by: 'cgroup'; readonly cgroup: RunCgroup };

/** Runs the program once while following the audit log. */
async function runOnce(membership: Membership): Promise<Observed> {
  const records: SeccompAuditRecord[] = [];
  let suppressed = 0;
  let pid = -1;
  const follower = followSeccompAudit({
    ...(membership.by === 'pid'
      ? { pids: () => new Set([pid]) }
      : { cgroup: membership.cgroup.path }),
    onRecord: (r) => records.push(r),
    onSuppressed: (n) => (suppressed += n),
  });
  expect(follower.readable).toBe(true);
  const child = spawn(binary, [], { stdio: ['pipe', 'ignore', 'inherit'] });
  pid = child.pid ?? -1;
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.on('exit', (_code, signal) => done(signal)),
  );
  if (membership.by === 'cgroup') membership.cgroup.add(pid);
  await new Promise((r) => setTimeout(r, 100)); // lets the follower sample cgroup.procs
  child.stdin.end('go\n');
  const signal = await exited;
  await follower.stop();
  return { pid, signal, records, suppressed };
}

/**
 * printk lets ~10 audit messages through per 5 s for the whole machine; other tests on it (the
 * differential kernel tests) can use the burst up. Retry in the next window when that happened.
 */
async function observe(...args: Parameters<typeof runOnce>): Promise<Observed> {
  let last: Observed | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    last = await runOnce(...args);
    if (last.records.some((r) => r.syscall === 'getppid')) return last;
    await new Promise((r) => setTimeout(r, 5500));
  }
  return last as Observed;
}

describe.skipIf(!canRunLinuxIntegration)('followSeccompAudit (real kernel)', () => {
  it('uses the AUDIT_SECCOMP value of the installed headers', () => {
    const header = readFileSync('/usr/include/linux/audit.h', 'utf8');
    expect(/#define AUDIT_SECCOMP\s+(\d+)/.exec(header)?.[1]).toBe(String(AUDIT_SECCOMP_TYPE));
  });

  it('sees the kill and the errno denial of a process in the pid set', async () => {
    const { pid, signal, records } = await observe({ by: 'pid' });
    expect(signal).toBe('SIGSYS');
    const kill = records.find((r) => r.syscall === 'getppid');
    expect(kill).toMatchObject({
      pid,
      arch: 'x86_64',
      action: { kind: 'kill-process' },
      signalName: 'SIGSYS',
      exe: binary,
    });
    const errno = records.find((r) => r.syscall === 'uname');
    // Seen unless printk's rate limit dropped it (the kill record came through, so rarely).
    if (errno) expect(errno).toMatchObject({ pid, action: { kind: 'errno' }, signal: 0 });
    expect(records.every((r) => r.pid === pid)).toBe(true);
  });

  it('ignores processes outside the pid set', async () => {
    const records: SeccompAuditRecord[] = [];
    const follower = followSeccompAudit({
      pids: () => new Set([1]),
      onRecord: (r) => records.push(r),
    });
    const result = spawnSync(binary, [], { input: 'go\n' });
    await follower.stop();
    expect(result.signal).toBe('SIGSYS');
    expect(records).toEqual([]);
  });

  it('matches by cgroup, also after the killed process is gone', async () => {
    const cgroup = createRunCgroup(`kmsg-audit-test-${process.pid}`);
    if ('error' in cgroup) throw new Error(cgroup.error);
    cgroups.push(cgroup);
    const { pid, records } = await observe({ by: 'cgroup', cgroup });
    expect(records.find((r) => r.syscall === 'getppid')?.pid).toBe(pid);
  });

  it('says why when the log cannot be opened', () => {
    const follower = followSeccompAudit({
      pids: () => new Set(),
      onRecord: () => {},
      devicePath: '/nonexistent/kmsg',
    });
    expect(follower.readable).toBe(false);
    expect(follower.reason).toBe(
      'there is no /nonexistent/kmsg (a container without the kernel log?)',
    );
  });

  it('reports the CAP_SYSLOG requirement to an unprivileged user', () => {
    const restrict = readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim();
    const dir = mkdtempSync(join(tmpdir(), 'kmsg-nobody-'));
    chmodSync(dir, 0o755); // the unprivileged user must read the bundle
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { openKmsgAtEnd } from ${JSON.stringify(resolve('native-bridge/linux/kmsg-device'))};\n` +
        `const r = openKmsgAtEnd(); console.log(JSON.stringify(r.ok ? { ok: true } : r));\n`,
    );
    const outfile = join(dir, 'entry.cjs');
    buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile,
      external: ['koffi'],
      logLevel: 'silent',
    });
    const run = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, outfile],
      { encoding: 'utf8', env: { ...process.env, NODE_PATH: resolve('node_modules') } },
    );
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { ok: boolean; code?: string; reason?: string };
    if (restrict === '1') {
      expect(result).toEqual({
        ok: false,
        code: 'EPERM',
        reason: 'reading /dev/kmsg needs CAP_SYSLOG (kernel.dmesg_restrict=1)',
      });
    } else {
      expect(result.ok).toBe(true);
    }
  });
});
