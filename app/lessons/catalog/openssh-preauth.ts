import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, policyErrors, type LessonCheck } from '../lesson-check';
import { defaultActionOf, describeAction, rlimitOf, type PolicyFacts } from '../policy-facts';
import type { RunFacts } from '../run-facts';

/** The three ordinary packets of lessons/openssh-preauth.c, each one `[TO-MONITOR]` line. */
const PACKETS = 3;
/** OpenSSH's setrlimit sandbox, and what each limit stops. */
const OPENSSH_RLIMITS = [
  ['nofile', 'no new files or sockets'],
  ['nproc', 'no new processes'],
  ['fsize', 'no writing to files'],
] as const;

const STARTING_POLICY = `# Lesson 4: OpenSSH's pre-authentication sandbox.
# The studio plays sshd's monitor: it starts the pre-auth child (this program) as an
# unprivileged user, and reads what the child sends back on stdout.
version: 1
name: 'Lesson 4: OpenSSH pre-auth sandbox'

target:
  command: ['{{target}}']

linux:
  # Privilege separation: the child that parses network input runs as an unprivileged user.
  # Switching user needs root; as an ordinary user you already are one, so it is best effort.
  user: nobody
  best_effort: [identity]

  # Yours to add: OpenSSH's setrlimit sandbox and its seccomp allowlist.
  seccomp:
    arch: [x86_64]
    default: allow
    rules: []
`;

const SOLUTION_POLICY = `# Lesson 4, a solution: OpenSSH's setrlimit sandbox plus a seccomp allowlist with kill-process.
version: 1
name: 'Lesson 4: OpenSSH pre-auth sandbox'

target:
  command: ['{{target}}']

linux:
  user: nobody
  best_effort: [identity]

  # No new files or sockets, no new processes, no writing to files.
  rlimits: { nofile: 0, nproc: 0, fsize: 0 }

  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      # As in sandbox-seccomp-filter.c: probing for files fails quietly instead of killing.
      - errno: EACCES
        syscalls: [open, openat, stat, lstat, newfstatat, statx]
      # The C library's start-up (the filter is installed before execve).
      - allow: [execve, brk, arch_prctl, set_tid_address, set_robust_list, rseq, prlimit64,
                readlink, getrandom, mprotect, fstat]
      # Computing and talking to the monitor over what is already open.
      - allow: [read, write, close, exit, exit_group, getpid, getuid, clock_gettime,
                gettimeofday, rt_sigreturn, rt_sigprocmask]
`;

export const opensshPreauthLesson: Lesson = {
  id: 'openssh-preauth',
  number: 4,
  title: "OpenSSH's pre-auth sandbox",
  summary:
    'Reproduce the sandbox sshd puts around the child that parses what an unauthenticated client sends: resource limits that forbid new files, processes and writes, plus a seccomp allowlist that kills the process on anything else.',
  target: { source: 'openssh-preauth.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Make it fail safely: the three ordinary packets reach the monitor, and the attacker who takes over the parser opens nothing, connects nowhere, starts nothing.',
    mode: 'check',
  },
  steps: [
    {
      title: 'Privilege separation',
      body: 'sshd splits itself in two: a privileged monitor, and an unprivileged child that parses everything the not-yet-authenticated client sends — the part most exposed to attack. Before the child reads a byte it sandboxes itself, and it talks to the monitor only over a pipe opened before the sandbox.\n\nHere the studio plays the monitor: its launcher switches to an unprivileged user, applies the policy and executes the child. The pipe opened before the sandbox is stdout: every `[TO-MONITOR]` line is a message to the monitor.',
    },
    {
      title: 'The attack',
      body: 'Run Check. The child parses three ordinary packets, then one whose length field is far larger than its buffer. A real parser with that bug would be overwritten; this one says `[OVERFLOW]` and runs what an attacker would: it reads /etc/shadow, opens a network socket to call home, forks, and executes a shell. With no sandbox, everything succeeds.',
    },
    {
      title: 'setrlimit: no files, no processes, no writes',
      body: "OpenSSH's first wall is three resource limits set to zero: `rlimits: { nofile: 0, nproc: 0, fsize: 0 }`. Add it and run Check: the open and the socket fail with EMFILE (no descriptor may be created), the fork with EAGAIN (no process may be created by this user), and the shell is executed but cannot load its libraries. The editor notes that nofile 0 before exec works only for a statically linked program, like this one.",
      hint: 'nproc 0 binds only users other than root: the kernel exempts root. That is one more reason for `user: nobody`.',
    },
    {
      title: 'seccomp: an allowlist that kills',
      body: 'The second wall is the filter. Make the default `kill-process`, run Learn to see what the child needs, allow it (start-up calls, read, write, exit...), and, as OpenSSH does, make `open` and `openat` fail with `errno: EACCES` rather than kill, because libraries probe for files. Run Check: the open fails with EACCES, and the socket kills the process before it can do anything else.',
      hint: 'examples/openssh-preauth.sandbox.yaml is the filter sshd installs itself, after its start-up; this one also allows what runs before main().',
    },
  ],
};

function checkRlimits(policyFacts: PolicyFacts, findings: Findings): void {
  const policy = policyFacts.policy;
  if (!policy) return;
  const missing = OPENSSH_RLIMITS.filter(([name]) => {
    const limit = rlimitOf(policy, name);
    return limit?.soft !== 0n || limit.hard !== 0n;
  });
  if (missing.length === 0) {
    findings.ok("the policy sets OpenSSH's limits: nofile 0, nproc 0 and fsize 0");
    return;
  }
  findings.problem(
    `the policy does not set ${missing.map(([name]) => `${name} 0`).join(', ')} (${missing.map(([, what]) => what).join(', ')}): OpenSSH's child sets all three, a second wall in case the filter lets something through`,
  );
}

function checkFilter(policyFacts: PolicyFacts, findings: Findings): void {
  const defaultAction = policyFacts.policy && defaultActionOf(policyFacts.policy);
  if (defaultAction?.kind === 'kill-process') {
    findings.ok(
      "the filter's default is kill-process, as in OpenSSH: anything else ends the child",
    );
  } else {
    findings.problem(
      `the filter's default is ${describeAction(defaultAction)}: OpenSSH's filter is an allowlist whose default kills the process`,
    );
  }
}

function checkAttackStopped(run: RunFacts, findings: Findings): void {
  const escapes = run.all('ESCAPE');
  for (const escape of escapes) findings.problem(`the attacker got through: ${escape}`);
  const shell = run.execs.find((e, index) => index > 0 && e.path.endsWith('/sh'));
  const returned = run.has('ATTACK-OVER');
  const shellSaidSo = escapes.some((text) => text.startsWith('execve'));
  if (!returned && !run.killed && shell && !shellSaidSo) {
    findings.problem(
      `the attacker's execve("${shell.path}") replaced the program (it ${run.describeExit()}): the filter must not allow execve after start-up`,
    );
    return;
  }
  if (run.killed) {
    const cause = run.denied.at(-1);
    findings.ok(
      `the attacker's code was stopped: the child ${run.describeExit()}${cause ? ` at ${cause.name} (${cause.action})` : ''}`,
    );
  } else if (returned) {
    findings.ok(`every attempt of the attacker failed: ${run.all('BLOCKED').join('; ')}`);
  }
}

function checkPreauth(run: RunFacts, policyFacts: PolicyFacts): LessonVerdict {
  const invalid = policyErrors(policyFacts);
  if (invalid) return invalid;
  const findings = new Findings();
  const delivered = run.all('TO-MONITOR');
  if (delivered.length < PACKETS) {
    const first = run.denied[0];
    findings.problem(
      `the monitor got ${delivered.length} of the ${PACKETS} parsed packets: the child ${run.describeExit()}${first ? ` at ${first.name} (${first.action})` : ''} before it finished the ordinary ones`,
    );
  } else {
    findings.ok(`the ${PACKETS} ordinary packets reached the monitor`);
  }
  if (run.has('OVERFLOW')) checkAttackStopped(run, findings);

  const uid = /uid (\d+)/.exec(run.first('START') ?? '')?.[1];
  if (uid === '0') {
    findings.problem(
      'the pre-auth child runs as root (uid 0): the child that parses untrusted input must be unprivileged, and nproc 0 does not even bind root; keep `user: nobody`',
    );
  }
  checkRlimits(policyFacts, findings);
  checkFilter(policyFacts, findings);
  return findings.verdict();
}

export const opensshPreauthCheck: LessonCheck = { on: 'run', check: checkPreauth };
