import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeProgram, OP, SECCOMP_DATA } from '../../../app/bpf/encode';
import { constantValue } from '../../../app/linux/arch-constants';
import { POLL, SECCOMP } from '../../../app/linux/constants';
import { syscallNumber } from '../../../app/linux/syscalls';
import { libc } from '../libc';
import { findFds, SECCOMP_LISTENER_LINK } from '../proc';
import { IOCTL, NOTIF, RESP } from '../seccomp-abi';
import {
  appliedLayers,
  compileStatic,
  errors,
  isRoot,
  launch,
  linuxX64,
  requireBuiltLauncher,
  warnings,
} from './test-support';

const resource = (name: string) => Number(constantValue('x86_64', `RLIMIT_${name.toUpperCase()}`));
const limit = (name: string, soft: string, hard = soft, bestEffort = false) => ({
  name,
  resource: resource(name),
  soft,
  hard,
  bestEffort,
});

/** Reads its own limits and tries what OpenSSH's rlimit sandbox forbids; static: ld.so would need an fd. */
const PROBE = `
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
static void show(const char *name, int resource) {
  struct rlimit r;
  if (getrlimit(resource, &r) != 0) { printf("%s error\\n", name); return; }
  printf("%s %llu %llu\\n", name, (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
}
int main(void) {
  show("nofile", RLIMIT_NOFILE);
  show("nproc", RLIMIT_NPROC);
  show("fsize", RLIMIT_FSIZE);
  int fd = open("/dev/null", O_RDONLY);
  printf("open %s\\n", fd < 0 ? strerrorname_np(errno) : "ok");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  printf("fork %s\\n", pid < 0 ? strerrorname_np(errno) : "ok");
  return 0;
}
`;

if (!linuxX64) console.warn('skipping rlimit layer tests: they need Linux on x86_64');

describe.runIf(linuxX64)('rlimits layer on the real kernel', () => {
  beforeAll(requireBuiltLauncher);

  it('sets soft and hard limits separately', async () => {
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'ulimit -Sn; ulimit -Hn; ulimit -Sc; ulimit -Hc'],
      layers: { rlimits: [limit('nofile', '64', '128'), limit('core', '0', 'unlimited')] },
    });
    expect(errors(outcome)).toEqual([]);
    expect(outcome.stdout).toBe('64\n128\n0\nunlimited\n');
    expect(outcome.messages).toContainEqual({
      kind: 'applied',
      layer: 'rlimits',
      detail: 'nofile=64/128',
    });
    expect(outcome.code).toBe(0);
  });

  it.runIf(isRoot)(
    "imposes OpenSSH's setrlimit sandbox exactly (nofile, nproc, fsize 0) on a user that then cannot fork or open",
    async () => {
      const probe = compileStatic('limits-probe', PROBE);
      const outcome = await launch({
        argv: [probe],
        layers: {
          identity: { user: 'nobody' },
          rlimits: [limit('nofile', '0'), limit('nproc', '0'), limit('fsize', '0')],
        },
      });
      expect(errors(outcome)).toEqual([]);
      // nproc 0 set after the switch to nobody: the execve itself still works (set before it, the
      // kernel's PF_NPROC_EXCEEDED check would fail it with EAGAIN), forks do not.
      expect(outcome.stdout).toBe('nofile 0 0\nnproc 0 0\nfsize 0 0\nopen EMFILE\nfork EAGAIN\n');
      expect(appliedLayers(outcome)).toEqual([
        'identity',
        'rlimits',
        'rlimits',
        'rlimits',
        'no_new_privs',
      ]);
      expect(outcome.code).toBe(0);
    },
  );

  it('a limit the kernel refuses stops the launch with the layer and errno; the target never runs', async () => {
    const nrOpen = readFileSync('/proc/sys/fs/nr_open', 'utf8').trim();
    const tooHigh = String(BigInt(nrOpen) + 1n);
    const outcome = await launch({
      argv: ['/bin/echo', 'ran'],
      layers: { rlimits: [limit('nofile', tooHigh)] },
    });
    expect(errors(outcome)).toEqual([
      {
        kind: 'error',
        layer: 'rlimits',
        message: `prlimit64(nofile=${tooHigh}/${tooHigh}) failed: EPERM`,
        errno: 1,
        errnoName: 'EPERM',
      },
    ]);
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(126);
  });

  it('best effort: the refused limit is a warning, the others apply and the target runs', async () => {
    const nrOpen = readFileSync('/proc/sys/fs/nr_open', 'utf8').trim();
    const tooHigh = String(BigInt(nrOpen) + 1n);
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'ulimit -Sn; ulimit -Sc'],
      layers: {
        rlimits: [limit('nofile', tooHigh, tooHigh, true), limit('core', '0', '0')],
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(warnings(outcome)).toMatchObject([{ layer: 'rlimits', errnoName: 'EPERM' }]);
    expect(outcome.stdout.split('\n')[1]).toBe('0');
    expect(outcome.code).toBe(0);
  });

  it('with a seccomp listener, RLIMIT_NOFILE is set after the filter, right before execve', async () => {
    const filter = Buffer.from(
      encodeProgram([
        { code: OP.LD_W_ABS, jt: 0, jf: 0, k: SECCOMP_DATA.nr },
        { code: OP.JEQ_K, jt: 0, jf: 1, k: syscallNumber('x86_64', 'execve') ?? -1 },
        { code: OP.RET_K, jt: 0, jf: 0, k: SECCOMP.SECCOMP_RET_USER_NOTIF },
        { code: OP.RET_K, jt: 0, jf: 0, k: SECCOMP.SECCOMP_RET_ALLOW },
      ]),
    ).toString('base64');
    const supervised: number[] = [];
    const outcome = await launch({
      argv: ['/bin/sh', '-c', 'ulimit -Sn; ulimit -Hn'],
      filter,
      listener: true,
      layers: { rlimits: [limit('nofile', '5', '6'), limit('core', '0')] },
      onMessage: (message, pid) => {
        if (message.kind === 'installing-filter') supervised.push(superviseExecve(pid));
      },
    });
    expect(errors(outcome)).toEqual([]);
    expect(supervised).toEqual([1]);
    expect(outcome.stdout).toBe('5\n6\n');
  });
});

/**
 * A minimal supervisor, as the studio's session does it: take the listener from the launcher, let
 * its execve continue, and let go of the listener. Returns the notifications answered.
 */
function superviseExecve(pid: number): number {
  const c = libc();
  let fd: number | undefined;
  for (let i = 0; i < 5000 && fd === undefined; i++) {
    [fd] = findFds(pid, (target) => target === SECCOMP_LISTENER_LINK);
  }
  if (fd === undefined) throw new Error('no listener appeared');
  const pidfd = c.pidfdOpen(pid, 0);
  const listener = c.pidfdGetfd(pidfd, fd, 0);
  c.close(pidfd);
  if (listener < 0) throw new Error(`pidfd_getfd failed: ${c.lastErrno()}`);
  const pollfd = Buffer.alloc(8);
  pollfd.writeInt32LE(listener, 0);
  pollfd.writeInt16LE(POLL.POLLIN, 4);
  if (c.poll(pollfd, 1, 10_000) !== 1) throw new Error('no execve notification');
  const notification = Buffer.alloc(NOTIF.size);
  if (c.ioctl(listener, IOCTL.recv, notification) < 0) throw new Error('NOTIF_RECV failed');
  const response = Buffer.alloc(RESP.size);
  response.writeBigUInt64LE(notification.readBigUInt64LE(NOTIF.id), RESP.id);
  response.writeUInt32LE(SECCOMP.SECCOMP_USER_NOTIF_FLAG_CONTINUE, RESP.flags);
  if (c.ioctl(listener, IOCTL.send, response) < 0) throw new Error('NOTIF_SEND failed');
  c.close(listener);
  return 1;
}
