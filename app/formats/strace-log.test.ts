import { describe, expect, it } from 'vitest';
import { FormatError } from './format-result';
import { parsedPolicy } from './format-test-helpers';
import { learnPolicyFromStrace, parseStraceLog, StracePolicyLearner } from './strace-log';
import { Y_TT_LOG } from './strace-test-samples';

// Shapes of `strace -f -tt -T -o FILE`, abridged from real logs on x86_64.
const LOG = `3163  15:31:43.635700 execve("/usr/bin/sh", ["sh", "-c", "ls /nonexistent; echo hi > /dev/"...], 0x7fffce3e8d58 /* 39 vars */) = 0 <0.000207>
3163  15:31:43.636030 brk(NULL)         = 0x55a73a7ee000 <0.000007>
3163  15:31:43.637311 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fbe0c717000 <0.000014>
3163  15:31:43.637359 access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory) <0.000009>
3163  15:31:43.637409 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3 <0.000011>
3163  15:31:43.638407 prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0 <0.000008>
3163  15:31:43.639307 vfork( <unfinished ...>
3164  15:31:43.639406 execve("/usr/bin/ls", ["ls", "/nonexistent"], 0x55a73a7eed48 /* 39 vars */ <unfinished ...>
3163  15:31:43.639732 <... vfork resumed>) = 3164 <0.000419>
3163  15:31:43.640016 wait4(-1,  <unfinished ...>
3164  15:31:43.640032 <... execve resumed>) = 0 <0.000617>
3164  15:31:43.641000 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f1, parent_tid=0x7f1, exit_signal=0, stack=0x7f0, stack_size=0x7fff00, tls=0x7f2} => {parent_tid=[3170]}, 88) = 3170 <0.000040>
3170  15:31:43.641100 gettid()          = 3170 <0.000004>
3170  15:31:43.641200 exit(0)           = ?
3170  15:31:43.641300 +++ exited with 0 +++
3164  15:31:43.647600 exit_group(2)     = ?
3164  15:31:43.647693 +++ exited with 2 +++
3163  15:31:43.647700 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 3164 <0.007678>
3163  15:31:43.647717 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3164, si_uid=0, si_status=2, si_utime=0, si_stime=0} ---
3163  15:31:43.650000 kill(3163, SIGSEGV) = 0 <0.000010>
3163  15:31:43.650100 --- SIGSEGV {si_signo=SIGSEGV, si_code=SI_USER, si_pid=3163, si_uid=0} ---
3163  15:31:43.650500 +++ killed by SIGSEGV (core dumped) +++
`;

describe('parseStraceLog', () => {
  const { events, warnings } = parseStraceLog(LOG);

  it('reads calls, joins unfinished and resumed ones, and keeps their start time', () => {
    expect(warnings).toEqual([]);
    const calls = events.filter((e) => e.type === 'syscall');
    expect(calls.map((e) => e.name)).toEqual([
      'execve',
      'brk',
      'mmap',
      'access',
      'openat',
      'prlimit64',
      'vfork',
      'execve',
      'clone3',
      'gettid',
      'exit',
      'exit_group',
      'wait4',
      'kill',
    ]);
    const mmap = calls.find((e) => e.name === 'mmap');
    expect(mmap).toMatchObject({ pid: 3163, tid: 3163, nr: 9, arch: 'x86_64' });
    expect(mmap?.args).toEqual(['0x0', '0x2000', '0x3', '0x22', '0xffffffffffffffff', '0x0']);
    const openat = calls.find((e) => e.name === 'openat');
    expect(openat?.args.slice(0, 3)).toEqual(['0xffffffffffffff9c', '0x0', '0x80000']);
    const wait4 = calls.find((e) => e.name === 'wait4');
    expect(wait4?.t).toBeCloseTo(4.316, 3);
    expect(wait4?.args[0]).toBe('0xffffffffffffffff');
  });

  it('reads execs, processes, threads, signals and exits', () => {
    const others = events.filter((e) => e.type !== 'syscall');
    expect(others).toEqual([
      expect.objectContaining({
        type: 'exec',
        pid: 3163,
        path: '/usr/bin/sh',
        argv: ['sh', '-c', 'ls /nonexistent; echo hi > /dev/'],
      }),
      expect.objectContaining({ type: 'process', pid: 3164, ppid: 3163 }),
      expect.objectContaining({
        type: 'exec',
        pid: 3164,
        path: '/usr/bin/ls',
        argv: ['ls', '/nonexistent'],
      }),
      expect.objectContaining({ type: 'thread', pid: 3164, tid: 3170 }),
      expect.objectContaining({ type: 'exit', pid: 3164, code: 2, signal: null }),
      expect.objectContaining({
        type: 'signal',
        pid: 3163,
        signal: 'SIGCHLD',
        reason: 'CLD_EXITED',
      }),
      expect.objectContaining({ type: 'signal', pid: 3163, signal: 'SIGSEGV', reason: 'SI_USER' }),
      expect.objectContaining({ type: 'exit', pid: 3163, code: null, signal: 'SIGSEGV' }),
    ]);
    const gettid = events.find((e) => e.type === 'syscall' && e.name === 'gettid');
    expect(gettid).toMatchObject({ pid: 3164, tid: 3170 });
  });

  it('reads logs without -f and timestamps, [pid N] prefixes, -ttt and numbered syscalls', () => {
    const plain = parseStraceLog(
      'execve("/bin/true", ["true"], 0x7ffe /* 1 var */) = 0\nexit_group(0) = ?\n+++ exited with 0 +++\n',
    );
    expect(plain.events.map((e) => e.type)).toEqual(['syscall', 'exec', 'syscall', 'exit']);
    expect(plain.events.every((e) => e.t === 0)).toBe(true);
    const pids = parseStraceLog(
      '[pid  12] 1700000000.500000 getpid() = 12\n[pid  12] 1700000000.750000 syscall_0x27() = 12\n',
    );
    expect(pids.events).toEqual([
      expect.objectContaining({ name: 'getpid', pid: 12, t: 0 }),
      expect.objectContaining({ name: 'getpid', nr: 39, t: 250 }),
    ]);
  });

  it('adds up strace -r times, which count from the line before', () => {
    const log = `25014      0.000000 execve("/usr/bin/sh", ["sh"], 0x7fff /* 39 vars */) = 0
25014      0.000454 brk(NULL)           = 0x55a5bf664000
25014      0.000303 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fdf58099000
25014      0.000156 +++ exited with 0 +++
`;
    expect(parseStraceLog(log).events.map((e) => [e.type, e.t])).toEqual([
      ['syscall', 0],
      ['exec', 0],
      ['syscall', 0.454],
      ['syscall', 0.757],
      ['exit', 0.913],
    ]);
  });

  it('switches a process to i386 when strace says it runs in 32 bit mode', () => {
    const log =
      '5 execve("./a32", ["./a32"], 0x7f /* 0 vars */) = 0\n[ Process PID=5 runs in 32 bit mode. ]\n5 brk(NULL) = 0x8000\n5 getuid32() = 0\n';
    const { events: e } = parseStraceLog(log);
    expect(e.filter((x) => x.type === 'syscall').map((x) => [x.name, x.arch, x.nr])).toEqual([
      ['execve', 'x86_64', 59],
      ['brk', 'i386', 45],
      ['getuid32', 'i386', 199],
    ]);
  });

  it('reports lines it cannot read with their location', () => {
    const at = (text: string) => {
      try {
        parseStraceLog(text);
      } catch (error) {
        if (error instanceof FormatError) return [error.range?.start.line, error.message];
        throw error;
      }
      return undefined;
    };
    expect(at('getpid() = 1\nthis is not strace\n')).toEqual([
      2,
      expect.stringContaining('not a line of strace'),
    ]);
    expect(at('getpid() = 1\nread(3, "abc", 3\n')).toEqual([
      2,
      expect.stringContaining('does not end'),
    ]);
    expect(at('1 getpid() = 1\n1 +++ exited somehow +++\n')).toEqual([
      2,
      expect.stringContaining('exit line'),
    ]);
    expect(at('')).toEqual([1, expect.stringContaining('no syscall')]);
    const cut = parseStraceLog('7 <... read resumed>"x", 1) = 1\n');
    expect(cut.warnings).toEqual([
      expect.objectContaining({ message: expect.stringContaining('without its start') }),
    ]);
  });
});

describe('learnPolicyFromStrace', () => {
  it('allows every syscall of the log in a new kill-by-default policy', () => {
    const { policyText } = learnPolicyFromStrace(LOG, { source: 'sh.log' });
    const policy = parsedPolicy(policyText);
    expect(policy.target?.command).toEqual([
      '/usr/bin/sh',
      '-c',
      'ls /nonexistent; echo hi > /dev/',
    ]);
    expect(policy.linux.seccomp?.defaultAction).toEqual({ kind: 'kill-process' });
    const allowed = policy.linux.seccomp?.rules[0]?.syscalls.map((s) => s.name);
    expect(allowed).toEqual([
      'access',
      'brk',
      'clone3',
      'execve',
      'exit',
      'exit_group',
      'gettid',
      'kill',
      'mmap',
      'openat',
      'prlimit64',
      'vfork',
      'wait4',
    ]);
  });

  it('learns the same policy from a log given a piece at a time', () => {
    const whole = learnPolicyFromStrace(Y_TT_LOG, { source: 'sh.log' });
    const learner = new StracePolicyLearner({ source: 'sh.log' });
    for (let i = 0; i < Y_TT_LOG.length; i += 7) learner.push(Y_TT_LOG.slice(i, i + 7));
    expect(learner.finish()).toEqual(whole);
    expect(parsedPolicy(whole.policyText).target?.command).toEqual([
      '/usr/bin/sh',
      '-c',
      'cat /etc/hostname > /dev/null & ',
    ]);
    expect(() => new StracePolicyLearner().finish()).toThrow('the log shows no syscall');
  });

  it('adds to a starter policy without overriding its explicit denials', () => {
    const starter = `version: 1
linux:
  seccomp:
    default: errno EPERM
    rules:
      - errno: EACCES
        syscalls: [openat]
      - allow: [read]
`;
    const { policyText } = learnPolicyFromStrace(LOG, { starter });
    const rules = parsedPolicy(policyText).linux.seccomp?.rules ?? [];
    expect(rules[0]?.syscalls.map((s) => s.name)).toEqual(['openat']);
    expect(rules[1]?.syscalls.map((s) => s.name)).toContain('mmap');
    expect(rules[1]?.syscalls.map((s) => s.name)).not.toContain('openat');
  });
});
