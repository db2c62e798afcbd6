import { describe, expect, it } from 'vitest';
import type { RunMode } from '../api/contract';
import type { TraceEvent } from '../trace/events';
import { lessonById } from './catalog';
import { checkLessonGoal } from './check-goal';
import { instantiatePolicy } from './instantiate';
import type { Lesson, LessonVerdict } from './lesson';

const PROGRAM = '/cache/lessons/program';
const PID = 100;

function lesson(id: string): Lesson {
  const found = lessonById(id);
  if (!found) throw new Error(`no lesson ${id}`);
  return found;
}

const exec = (path = PROGRAM, pid = PID): TraceEvent => ({
  type: 'exec',
  t: 1,
  pid,
  tid: pid,
  path,
  argv: [path],
});
const out = (lines: readonly string[]): TraceEvent => ({
  type: 'stdout',
  t: 2,
  data: lines.map((line) => `${line}\n`).join(''),
});
const exited = (code: number, pid = PID): TraceEvent => ({
  type: 'exit',
  t: 9,
  pid,
  code,
  signal: null,
});
const killed = (signal = 'SIGSYS'): TraceEvent => ({
  type: 'exit',
  t: 9,
  pid: PID,
  code: null,
  signal,
});
const denied = (name: string, action: string, args: readonly bigint[] = []): TraceEvent => ({
  type: 'denied',
  t: 5,
  pid: PID,
  tid: PID,
  name,
  nr: 0,
  arch: 'x86_64',
  args: Array.from({ length: 6 }, (_, i) => `0x${(args[i] ?? 0n).toString(16)}`),
  action,
});
const layerError = (layer: string, message: string, errnoName = 'EPERM'): TraceEvent => ({
  type: 'error',
  t: 1,
  message,
  layer,
  errnoName,
});

/** A run of the program: its exec, its stdout as one chunk, then the other events. */
function run(lines: readonly string[], ...events: TraceEvent[]): TraceEvent[] {
  return [exec(), out(lines), ...events];
}

function check(
  id: string,
  policy: 'starting' | 'solution' | string,
  events: readonly TraceEvent[] | null,
  mode: RunMode | null = 'check',
): LessonVerdict {
  const l = lesson(id);
  const text =
    policy === 'starting' ? l.startingPolicy : policy === 'solution' ? l.solutionPolicy : policy;
  return checkLessonGoal(l, { policyText: instantiatePolicy(text, PROGRAM), mode, events });
}

describe('checkLessonGoal, for every run lesson', () => {
  it('asks for a run when there is none', () => {
    const verdict = check('strict-mode', 'solution', null, null);
    expect(verdict).toEqual({
      met: false,
      reasons: ['run the program in check mode: this goal is checked on what a run did'],
    });
  });

  it('asks for the goal mode when the run used another one', () => {
    const verdict = check('tsync', 'solution', run(['[DONE]'], exited(0)), 'learn');
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toBe(
      'this goal is checked on a check run, and this was a learn run: run it again in check mode',
    );
  });

  it('explains a layer the machine could not apply', () => {
    const events = [layerError('identity', 'setresuid(65534) failed: EPERM'), exited(126)];
    expect(check('capabilities', 'solution', events)).toEqual({
      met: false,
      reasons: [
        'the run failed: setresuid(65534) failed: EPERM',
        'switching to another user needs root (CAP_SETUID and CAP_SETGID): start the studio as root for this lesson',
      ],
    });
  });

  it('says when the program never started', () => {
    expect(check('tsync', 'starting', [exited(1)])).toEqual({
      met: false,
      reasons: ['the program never started: the run has no exec'],
    });
  });
});

describe('lesson 1, strict mode', () => {
  const startOutput = [
    '[START] entering strict mode: prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)',
    '[STRICT-REFUSED] prctl failed: Invalid argument (EINVAL): ...',
    '[FAIL-OPEN] carrying on without strict mode',
    '[OPENING] /etc/passwd (strict mode would kill the process here)',
  ];

  it('is not met when the program opens the file under the starting policy', () => {
    const events = run(
      [...startOutput, '[OPENED] /etc/passwd: nothing stopped the open; first line: root:x:0:0'],
      exited(0),
    );
    const verdict = check('strict-mode', 'starting', events);
    expect(verdict.met).toBe(false);
    expect(verdict.reasons.slice(0, 2)).toEqual([
      'the program opened /etc/passwd and printed its first line: nothing stopped the open',
      "the filter's default is allow: strict mode is an allowlist, so anything else an attacker tries (socket, execve, ...) must kill the process too; make the default kill-process",
    ]);
  });

  it('is met when the open is killed and the default kills', () => {
    const events = run(startOutput, denied('openat', 'kill-process'), killed());
    const verdict = check('strict-mode', 'solution', events);
    expect(verdict.met).toBe(true);
    expect(verdict.reasons[0]).toBe(
      'the open was stopped as strict mode would stop it: openat was denied (kill-process) and the process was killed by SIGSYS (strict mode uses SIGKILL)',
    );
    expect(verdict.reasons).toContain(
      'the default is kill-process: like strict mode, anything the filter does not list kills the process',
    );
    expect(verdict.reasons.at(-1)).toMatch(
      /^besides strict mode's read, write, exit and rt_sigreturn, the filter allows execve, brk, /,
    );
  });

  it('is not met when the start-up is killed before the open', () => {
    const events = [exec(), denied('brk', 'kill-process'), killed()];
    const verdict = check('strict-mode', 'solution', events);
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toBe(
      'the filter stopped the program at brk (kill-process) before it reached its open: the filter is installed before execve, so what the C library does at start-up must be allowed',
    );
  });

  it('is not met when the open only fails with an errno', () => {
    const events = run(
      [...startOutput, '[OPEN-FAILED] /etc/passwd: Permission denied; the program goes on'],
      denied('openat', 'errno EACCES'),
      exited(2),
    );
    expect(check('strict-mode', 'solution', events).reasons[0]).toMatch(
      /^the open failed \(\/etc\/passwd: Permission denied; the program goes on\) and the program went on: strict mode does not return an error, it kills the process/,
    );
  });

  it('is not met when only the open is killed and everything else is allowed', () => {
    const denylist = `version: 1
target: { command: ['{{target}}'] }
linux:
  seccomp:
    default: allow
    rules:
      - action: kill-process
        syscalls: [openat]
`;
    const events = run(startOutput, denied('openat', 'kill-process'), killed());
    const verdict = check('strict-mode', denylist, events);
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toMatch(
      /^the filter's default is allow: strict mode is an allowlist/,
    );
  });

  it('reports the errors of a policy that does not parse', () => {
    const events = run(startOutput, killed());
    const verdict = check('strict-mode', 'version: 2\n', events);
    expect(verdict).toEqual({
      met: false,
      reasons: [
        'the policy has an error: line 1, column 10: unsupported policy version 2; this studio reads version 1',
      ],
    });
  });
});

describe('lesson 2, dumpable', () => {
  const who = '[WHO] uid 65534, euid 65534, CAP_SYS_PTRACE no';
  const atStart =
    '[DUMPABLE-AT-START] 1: execve made this program dumpable, whatever was set before it';
  const leaked = [
    '[LEAKED] process_vm_readv read the parent\'s secret: "correct horse battery staple"',
    '[LEAKED] ptrace(PTRACE_SEIZE, parent) succeeded: ...',
  ];
  const protectedLines = [
    '[PROTECTED] process_vm_readv(parent): Operation not permitted (EPERM)',
    '[PROTECTED] ptrace(PTRACE_SEIZE, parent): Operation not permitted (EPERM)',
  ];

  it('is not met when the child reads the secret, and says the policy setting cannot help', () => {
    const verdict = check(
      'dumpable',
      'starting',
      run([who, atStart, ...leaked, '[DONE]'], exited(0)),
    );
    expect(verdict).toEqual({
      met: false,
      reasons: [
        'the child got in: process_vm_readv read the parent\'s secret: "correct horse battery staple"',
        'the program never made itself non-dumpable: a `dumpable: false` in the policy cannot help, execve resets the flag (the program started with dumpable = 1); start it with --set-dumpable-0 so it calls prctl(PR_SET_DUMPABLE, 0) itself',
      ],
    });
  });

  it('blames CAP_SYS_PTRACE when root reads a non-dumpable program', () => {
    const root = '[WHO] uid 0, euid 0, CAP_SYS_PTRACE yes: this user may trace any process';
    const lines = [root, atStart, '[DUMPABLE-SET] ...', ...leaked, '[DONE]'];
    const verdict = check('dumpable', 'solution', run(lines, exited(0)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[1]).toMatch(/^the program runs with CAP_SYS_PTRACE \(as root\)/);
  });

  it('is met when the program made itself non-dumpable and the child got EPERM', () => {
    const selfCall: TraceEvent = {
      type: 'self-sandbox',
      t: 3,
      pid: PID,
      tid: PID,
      kind: 'dumpable',
      call: 'prctl(PR_SET_DUMPABLE, 0)',
      summary: 'makes itself non-dumpable',
      flags: [],
    };
    const lines = [
      who,
      atStart,
      '[DUMPABLE-SET] the program called it itself',
      ...protectedLines,
      '[DONE]',
    ];
    const verdict = check('dumpable', 'solution', run(lines, selfCall, exited(0)));
    expect(verdict).toEqual({
      met: true,
      reasons: [
        'the program made itself non-dumpable after exec (prctl(PR_SET_DUMPABLE, 0), seen by the studio)',
        'the child was refused both ways: process_vm_readv(parent): Operation not permitted (EPERM); ptrace(PTRACE_SEIZE, parent): Operation not permitted (EPERM)',
        'it started dumpable (1): execve had reset whatever was set before it, which is why only the program can do this',
      ],
    });
  });

  it('is not met when a filter, not the program, stopped the child', () => {
    const events = run(
      [who, atStart, ...protectedLines, '[DONE]'],
      denied('process_vm_readv', 'errno EPERM'),
      denied('ptrace', 'errno EPERM'),
      exited(0),
    );
    const verdict = check('dumpable', 'starting', events);
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toMatch(
      /^the filter stopped the child \(process_vm_readv: errno EPERM, ptrace: errno EPERM\), but any other process of this user/,
    );
  });
});

describe('lesson 3, allowlist', () => {
  const work = [
    '[WORK] allocated a 1 MiB read-write buffer with mmap',
    '[WORK] mapped /etc/passwd read-only: 25 lines',
    '[WORK] ioctl(TCGETS): stdout is not a terminal',
    '[WORK] ioctl(FIONREAD): 5 bytes wait in the pipe',
    '[ATTACK] a bug hands control to the attacker, who tries two things',
  ];
  const wxMmap = (action: string) => denied('mmap', action, [0n, 0x1000n, 7n, 0x22n]);
  const tiocsti = denied('ioctl', 'errno EPERM', [0n, 0x5412n]);

  it('is not met when the learned allowlist lets the attack through', () => {
    const lines = [
      ...work,
      '[ESCAPE] mmap(PROT_READ|PROT_WRITE|PROT_EXEC) gave a writable, executable page',
      '[REACHED] ioctl(TIOCSTI) reached the kernel: Inappropriate ioctl for device',
      '[DONE] all steps ran',
    ];
    const verdict = check('allowlist', 'solution', run(lines, exited(0)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons).toEqual([
      'mmap gave the attacker a writable and executable page: allow mmap only `when` its prot argument (arg2) does not ask for both PROT_WRITE and PROT_EXEC',
      "ioctl(TIOCSTI) reached the kernel: allow ioctl only for the requests the program makes, `when: 'arg1 in {TCGETS, FIONREAD}'`",
    ]);
  });

  it('is not met when the starting policy kills the program at its execve', () => {
    const verdict = check('allowlist', 'starting', [denied('execve', 'kill-process'), killed()]);
    expect(verdict).toEqual({
      met: false,
      reasons: [
        'the filter denied the execve that starts the program (kill-process): it is installed before the program starts, so execve itself must be allowed — run Learn to see what the program needs',
      ],
    });
  });

  it('is not met when the policy kills a call the work needs', () => {
    const verdict = check('allowlist', 'starting', [
      exec(),
      denied('brk', 'kill-process'),
      killed(),
    ]);
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toBe(
      'the policy denied brk (kill-process), which the program needs for its work — it did not get to the attack',
    );
  });

  it('is met when both attack calls are denied with an errno and the work is done', () => {
    const lines = [
      ...work,
      '[BLOCKED] mmap(PROT_READ|PROT_WRITE|PROT_EXEC): Operation not permitted',
      '[BLOCKED] ioctl(TIOCSTI): Operation not permitted',
      '[DONE] all steps ran',
    ];
    const verdict = check(
      'allowlist',
      'solution',
      run(lines, wxMmap('errno EPERM'), tiocsti, exited(0)),
    );
    expect(verdict.met).toBe(true);
    expect(verdict.reasons).toEqual([
      'the writable+executable mmap was denied (errno EPERM)',
      'ioctl(TIOCSTI) was denied (errno EPERM)',
      `the program did all its work: ${work
        .slice(0, 4)
        .map((l) => l.slice('[WORK] '.length))
        .join('; ')}`,
      'anything no rule allows still gets the default, kill-process',
    ]);
  });

  it('is not met when the attack kills the program before its second step', () => {
    const verdict = check('allowlist', 'solution', run(work, wxMmap('kill-process'), killed()));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toMatch(
      /^the program was killed by SIGSYS at mmap \(kill-process\), so it could not finish: after the narrowed allow rules, add `errno: EPERM`/,
    );
  });

  it('is not met when a legitimate call is denied', () => {
    const lines = [...work.slice(0, 2), '[ERROR] ioctl(TCGETS): Operation not permitted'];
    const tcgets = denied('ioctl', 'errno EPERM', [1n, 0x5401n]);
    const verdict = check('allowlist', 'solution', run(lines, tcgets, exited(1)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons).toEqual([
      'the policy denied ioctl (errno EPERM), which the program needs for its work — it did not get to the attack',
      'the program did 2 of its 4 steps of work (ioctl(TCGETS): Operation not permitted) and exited with status 1',
    ]);
  });
});

describe('lesson 4, OpenSSH pre-auth', () => {
  const packets = [
    '[START] pre-auth child, uid 65534',
    '[TO-MONITOR] parsed 22 bytes: SSH-2.0-LessonClient_1',
    '[TO-MONITOR] parsed 10 bytes: USER alice',
    '[TO-MONITOR] parsed 17 bytes: AUTH password ***',
    '[OVERFLOW] a 4096-byte packet for a 256-byte buffer: the attacker now runs code',
  ];

  it('is not met when the attacker gets everything', () => {
    const lines = [
      ...packets,
      '[ESCAPE] open("/etc/shadow") succeeded',
      '[ESCAPE] socket(AF_INET) to call home succeeded',
      '[ESCAPE] fork() succeeded',
      '[ESCAPE] execve("/bin/sh") ran a shell',
    ];
    const verdict = check('openssh-preauth', 'starting', run(lines, exec('/bin/sh'), exited(0)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons.slice(0, 4)).toEqual([
      'the attacker got through: open("/etc/shadow") succeeded',
      'the attacker got through: socket(AF_INET) to call home succeeded',
      'the attacker got through: fork() succeeded',
      'the attacker got through: execve("/bin/sh") ran a shell',
    ]);
    expect(verdict.reasons).toContain(
      "the policy does not set nofile 0, nproc 0, fsize 0 (no new files or sockets, no new processes, no writing to files): OpenSSH's child sets all three, a second wall in case the filter lets something through",
    );
  });

  it('is not met with the limits alone: the shell is still executed', () => {
    const lines = [
      ...packets,
      '[BLOCKED] open("/etc/shadow"): Too many open files',
      '[BLOCKED] socket(AF_INET) to call home: Too many open files',
      '[BLOCKED] fork(): Resource temporarily unavailable',
    ];
    const limitsOnly = lesson('openssh-preauth').startingPolicy.replace(
      '  seccomp:',
      '  rlimits: { nofile: 0, nproc: 0, fsize: 0 }\n  seccomp:',
    );
    const verdict = check('openssh-preauth', limitsOnly, run(lines, exec('/bin/sh'), exited(127)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons).toEqual([
      'the attacker\'s execve("/bin/sh") replaced the program (it exited with status 127): the filter must not allow execve after start-up',
      "the filter's default is allow: OpenSSH's filter is an allowlist whose default kills the process",
      'the 3 ordinary packets reached the monitor',
      "the policy sets OpenSSH's limits: nofile 0, nproc 0 and fsize 0",
    ]);
  });

  it('is met when the filter kills the attacker and the limits are set', () => {
    const lines = [...packets, '[BLOCKED] open("/etc/shadow"): Permission denied'];
    const events = run(
      lines,
      denied('openat', 'errno EACCES'),
      denied('socket', 'kill-process'),
      killed(),
    );
    expect(check('openssh-preauth', 'solution', events)).toEqual({
      met: true,
      reasons: [
        'the 3 ordinary packets reached the monitor',
        "the attacker's code was stopped: the child was killed by SIGSYS at socket (kill-process)",
        "the policy sets OpenSSH's limits: nofile 0, nproc 0 and fsize 0",
        "the filter's default is kill-process, as in OpenSSH: anything else ends the child",
      ],
    });
  });

  it('is not met when the child runs as root', () => {
    const lines = ['[START] pre-auth child, uid 0', ...packets.slice(1)];
    const events = run(lines, denied('socket', 'kill-process'), killed());
    expect(check('openssh-preauth', 'solution', events).reasons[0]).toMatch(
      /^the pre-auth child runs as root \(uid 0\)/,
    );
  });

  it('is not met when the filter kills the parser before it finishes', () => {
    const events = run(
      ['[START] pre-auth child, uid 65534'],
      denied('write', 'kill-process'),
      killed(),
    );
    expect(check('openssh-preauth', 'solution', events).reasons[0]).toBe(
      'the monitor got 0 of the 3 parsed packets: the child was killed by SIGSYS at write (kill-process) before it finished the ordinary ones',
    );
  });
});

describe('lesson 5, TSYNC', () => {
  const start = [
    '[WORKER] thread 101 runs before the filter is installed',
    '[MAIN] thread 100 started a worker, now sandboxes itself',
  ];
  const install = (tsync: boolean): TraceEvent => ({
    type: 'self-sandbox',
    t: 3,
    pid: PID,
    tid: PID,
    kind: 'seccomp-filter',
    call: `seccomp(SECCOMP_SET_MODE_FILTER, ${tsync ? 'SECCOMP_FILTER_FLAG_TSYNC' : '0'}, 0x7ffd)`,
    summary: 'installs a 9-instruction seccomp filter',
    flags: tsync ? ['SECCOMP_FILTER_FLAG_TSYNC'] : [],
    ...(tsync
      ? {}
      : { warning: 'the process has 2 threads; the filter binds the calling thread only' }),
  });

  it("is not met when the worker escapes, quoting the studio's warning", () => {
    const lines = [
      ...start,
      '[BLOCKED-MAIN] thread 100: open /etc/passwd: Operation not permitted',
      '[OPENED-WORKER] thread 101 opened /etc/passwd: root:x:0:0',
      '[DONE]',
    ];
    expect(check('tsync', 'starting', run(lines, install(false), exited(0)))).toEqual({
      met: false,
      reasons: [
        'the worker escaped: thread 101 opened /etc/passwd: root:x:0:0 after the main thread had sandboxed the process',
        'the studio saw why: seccomp(SECCOMP_SET_MODE_FILTER, 0, 0x7ffd): the process has 2 threads; the filter binds the calling thread only; start the program with --tsync, or deny openat in the policy so the filter exists before any thread',
      ],
    });
  });

  const blockedBoth = [
    ...start,
    '[BLOCKED-MAIN] thread 100: open /etc/passwd: Operation not permitted',
    '[BLOCKED-WORKER] thread 101: open /etc/passwd: Operation not permitted',
    '[DONE]',
  ];

  it('is met with TSYNC', () => {
    const verdict = check('tsync', 'solution', run(blockedBoth, install(true), exited(0)));
    expect(verdict.met).toBe(true);
    expect(verdict.reasons[1]).toMatch(
      /^the program installed its filter with SECCOMP_FILTER_FLAG_TSYNC/,
    );
  });

  it("is met when the studio's own filter denies the open on every thread", () => {
    const events = run(blockedBoth, install(false), denied('openat', 'errno EPERM'), exited(0));
    const verdict = check('tsync', 'starting', events);
    expect(verdict.met).toBe(true);
    expect(verdict.reasons[1]).toBe(
      "the studio's filter denied openat (errno EPERM): installed before execve, it binds every thread the program starts",
    );
  });

  it('is not met when a kill ends the program before its end', () => {
    const lines = blockedBoth.slice(0, -1);
    const verdict = check(
      'tsync',
      'starting',
      run(lines, denied('openat', 'kill-thread'), killed()),
    );
    expect(verdict.met).toBe(false);
    expect(verdict.reasons[0]).toMatch(/^the program was killed by SIGSYS before its end/);
  });
});

describe('lesson 6, capabilities', () => {
  const attack = '[ATTACK] what else could a compromised service do?';
  const allCaps =
    '[CAPS] CapInh=0000000000000000 CapPrm=000001fffeffffff CapEff=000001fffeffffff CapBnd=000001fffeffffff CapAmb=0000000000000000';

  it('is not met as root with every capability', () => {
    const lines = [
      '[WHO] uid 0, euid 0',
      allCaps,
      '[WORK] bound 127.0.0.1:1023, a port below 1024',
      attack,
      '[ESCAPE] unshare(CLONE_NEWNS) succeeded',
      '[ESCAPE] open("/etc/shadow") succeeded',
      '[ESCAPE] kill(1, 0) succeeded',
    ];
    const verdict = check('capabilities', 'starting', run(lines, exited(0)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons.slice(0, 3)).toEqual([
      'the service could unshare(CLONE_NEWNS): it still has CAP_SYS_ADMIN',
      'the service read /etc/shadow: it runs as root, which owns the file, so no capability is even needed; run it as `user: nobody`',
      'the service could kill(1, 0): as root it may signal every root process without any capability; run it as `user: nobody`',
    ]);
    expect(verdict.reasons[3]).toBe(
      'the effective set still holds 39 capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, ...): list only NET_BIND_SERVICE in effective',
    );
  });

  it('is not met as nobody without ambient capabilities', () => {
    const lines = [
      '[WHO] uid 65534, euid 65534',
      '[CAPS] CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapBnd=0000000000000400 CapAmb=0000000000000000',
      '[WORK-FAILED] bind 127.0.0.1:1023: Permission denied (needs CAP_NET_BIND_SERVICE)',
    ];
    const verdict = check('capabilities', 'starting', run(lines, exited(1)));
    expect(verdict.reasons.slice(0, 3)).toEqual([
      'the service could not do its job: bind 127.0.0.1:1023: Permission denied (needs CAP_NET_BIND_SERVICE); a non-root program keeps a capability across execve only in the ambient set (with permitted and inheritable)',
      'the effective set is none: it must hold NET_BIND_SERVICE',
      'the ambient set is none: it must hold NET_BIND_SERVICE',
    ]);
  });

  it('is met as nobody with only CAP_NET_BIND_SERVICE', () => {
    const lines = [
      '[WHO] uid 65534, euid 65534',
      '[CAPS] CapInh=0000000000000400 CapPrm=0000000000000400 CapEff=0000000000000400 CapBnd=0000000000000400 CapAmb=0000000000000400',
      '[WORK] bound 127.0.0.1:1023, a port below 1024',
      attack,
      '[BLOCKED] unshare(CLONE_NEWNS): Operation not permitted',
      '[BLOCKED] open("/etc/shadow"): Permission denied',
      '[BLOCKED] kill(1, 0): Operation not permitted',
      '[DONE]',
    ];
    expect(check('capabilities', 'solution', run(lines, exited(0)))).toEqual({
      met: true,
      reasons: [
        'the service did its job: bound 127.0.0.1:1023, a port below 1024',
        'it runs as an ordinary user (uid 65534)',
        'effective, ambient and bounding sets hold CAP_NET_BIND_SERVICE and nothing else',
        'everything else failed: unshare(CLONE_NEWNS): Operation not permitted; open("/etc/shadow"): Permission denied; kill(1, 0): Operation not permitted',
      ],
    });
  });
});

describe('lesson 7, Landlock', () => {
  const work = [
    '[WORK] read the config /etc/os-release: PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
    '[WORK] wrote the log /tmp/lesson-landlock-7.log',
    '[ATTACK] what else could a compromised service do?',
  ];

  it('is not met without Landlock', () => {
    const lines = [
      ...work,
      '[ESCAPE] open("/etc/passwd") for reading succeeded',
      '[ESCAPE] creating a file in /var/tmp succeeded',
      '[ESCAPE] execve("/bin/sh") succeeded',
      '[DONE]',
    ];
    const verdict = check('landlock', 'starting', run(lines, exited(0)));
    expect(verdict.met).toBe(false);
    expect(verdict.reasons.slice(0, 2)).toEqual([
      'the policy has no `landlock:` section',
      'the compromised service got through: open("/etc/passwd") for reading succeeded',
    ]);
  });

  it('explains the refused exec of the program itself', () => {
    const events = [
      exec(),
      layerError('exec', `execve(${PROGRAM}) failed: EACCES`, 'EACCES'),
      exited(127),
    ];
    expect(check('landlock', 'solution', events)).toEqual({
      met: false,
      reasons: [
        `the program could not even start: execve(${PROGRAM}) failed: EACCES`,
        "with Landlock, executing a file needs both read and execute on it: add the program's path (the first entry of target.command) to read and to execute",
      ],
    });
  });

  it('is not met when the work itself is refused', () => {
    const lines = [
      '[WORK-FAILED] read the config /etc/os-release: Permission denied',
      work[1] ?? '',
      work[2] ?? '',
    ];
    const verdict = check('landlock', 'solution', run(lines, exited(1)));
    expect(verdict.reasons[0]).toBe(
      'the service could not do its work: read the config /etc/os-release: Permission denied; grant what it needs (read its config, write beneath the log directory)',
    );
  });

  it('is met when the work succeeds and the three attempts are refused', () => {
    const lines = [
      ...work,
      '[BLOCKED] open("/etc/passwd") for reading: Permission denied',
      '[BLOCKED] creating a file in /var/tmp: Permission denied',
      '[BLOCKED] execve("/bin/sh"): Permission denied',
      '[DONE]',
    ];
    const verdict = check('landlock', 'solution', run(lines, exited(0)));
    expect(verdict.met).toBe(true);
    expect(verdict.reasons).toHaveLength(2);
  });

  it('tells when the kernel has no Landlock', () => {
    const events = [
      layerError('landlock', 'landlock_create_ruleset failed: EOPNOTSUPP', 'EOPNOTSUPP'),
      exited(126),
    ];
    expect(check('landlock', 'solution', events).reasons[1]).toMatch(
      /^this kernel does not offer Landlock/,
    );
  });
});

describe('lesson 8, Capsicum and Windows', () => {
  it('is not met by the starting policy', () => {
    expect(check('capsicum-windows', 'starting', null, null)).toEqual({
      met: false,
      reasons: [
        'the policy has no `freebsd: capsicum:` section',
        'the policy has no `windows: mitigations:` section',
      ],
    });
  });

  it('is met by the solution, which exports to both', () => {
    const verdict = check('capsicum-windows', 'solution', null, null);
    expect(verdict.met).toBe(true);
    expect(verdict.reasons[0]).toBe(
      'FreeBSD: capability mode with stdin read-only and stdout write-only',
    );
    expect(verdict.reasons[1]).toMatch(
      /^Windows: dep \(enable\); aslr \(bottom_up, force_relocate, high_entropy\);/,
    );
    expect(verdict.reasons[2]).toMatch(/^Export → FreeBSD C: \d+ lines of C$/);
    expect(verdict.reasons[3]).toMatch(/^Export → Windows C: \d+ lines of C$/);
  });

  it('names what is missing or too broad', () => {
    const text = `version: 1
freebsd:
  capsicum:
    enter: false
    limit: { stdin: [read, write] }
windows:
  mitigations:
    dep: { enable: true }
`;
    expect(check('capsicum-windows', text, null, null).reasons).toEqual([
      'capsicum.enter is false: without capability mode, rights limits alone leave every path open',
      'stdin must be limited to reading: it has [read, write]; give it [read, fstat]',
      'stdout must be limited to writing: it has no limit; give it [write, fstat]',
      'Windows: ASLR for every image (force_relocate) is missing: add aslr: { force_relocate: true }',
      'Windows: no child processes is missing: add child_process: { deny: true }',
      expect.stringMatching(/^Export → FreeBSD C: \d+ lines of C$/),
      expect.stringMatching(/^Export → Windows C: \d+ lines of C$/),
    ]);
  });

  it('ignores runs: the goal is about the policy', () => {
    expect(check('capsicum-windows', 'solution', [exited(1)], 'check').met).toBe(true);
  });
});
