import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, policyErrors, type LessonCheck } from '../lesson-check';
import {
  defaultActionOf,
  describeAction,
  isKillAction,
  unconditionallyAllowed,
  type PolicyFacts,
} from '../policy-facts';
import type { RunFacts } from '../run-facts';

/** What strict mode itself allows; `exit` is _exit(2), a thread's exit. */
const STRICT_MODE_SYSCALLS = ['read', 'write', 'exit', 'rt_sigreturn'];
const OPEN_SYSCALLS = ['open', 'openat', 'openat2'];

const STARTING_POLICY = `# Lesson 1: seccomp strict mode.
# The program asks for strict mode and is refused (the editor's warning on seccomp_strict says
# why). Make the studio's filter do what strict mode would have done.
version: 1
name: 'Lesson 1: strict mode as a filter'

target:
  command: ['{{target}}']

linux:
  seccomp_strict: true # what the program wants; the studio cannot apply it from outside
  seccomp:
    arch: [x86_64]
    default: allow # nothing is filtered yet
    rules: []
`;

const SOLUTION_POLICY = `# Lesson 1, a solution: strict mode's allowlist as a filter.
version: 1
name: 'Lesson 1: strict mode as a filter'

target:
  command: ['{{target}}']

linux:
  seccomp:
    arch: [x86_64]
    default: kill-process # like strict mode: anything not listed kills the process
    rules:
      # The filter is installed before execve, so the C library's start-up runs under it.
      - allow: [execve, brk, arch_prctl, set_tid_address, set_robust_list, rseq, prlimit64,
                readlink, getrandom, mprotect, newfstatat, fstat]
      # The program's own attempt at strict mode: let it fail with EINVAL rather than kill it.
      - allow: prctl
      # What strict mode allows: read, write, _exit and sigreturn.
      - allow: [read, write, exit, rt_sigreturn]
`;

export const strictModeLesson: Lesson = {
  id: 'strict-mode',
  number: 1,
  title: 'Seccomp strict mode',
  summary:
    'The first seccomp: after prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) a process may only read, write, exit and return from signals. See why the studio cannot give a program strict mode, and build a filter that has the same effect.',
  target: { source: 'strict-mode.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Make it fail safely: the open of /etc/passwd kills the process, as strict mode would, and everything else the filter does not list kills it too.',
    mode: 'check',
  },
  steps: [
    {
      title: 'What strict mode is',
      body: 'Strict mode is the original seccomp (Linux 2.6.12). A program calls `prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)` once it has opened everything it needs; from then on only `read`, `write`, `_exit` and `sigreturn` work, and any other system call kills the process with SIGKILL.\n\nThe lesson program does exactly that, then opens /etc/passwd as if an attacker had taken it over. Run outside the studio, it is killed at the open.',
    },
    {
      title: 'Run it under the studio',
      body: 'Run the starting policy in Check mode. The program prints `[STRICT-REFUSED]`: prctl failed with EINVAL. Every studio run installs a seccomp filter before the program starts, and a process that runs under a filter cannot switch to strict mode: the modes do not stack.\n\nThe program carries on without strict mode (it "fails open", like much real code that treats its sandbox as optional) and prints the first line of /etc/passwd.\n\nThe policy says `seccomp_strict: true`, and the editor warns that the studio cannot apply it: strict mode would kill the very execve that starts the program. Only the program itself can enter it; Export → C generates the call.',
    },
    {
      title: 'Learn what the program needs',
      body: "Strict mode is an allowlist with kill as the default. Change `default: allow` to `default: kill-process` and run Learn: the studio lists every system call the program makes. Besides read and write there are calls the C library makes before main() even starts (brk, arch_prctl, set_tid_address, ...): the studio's filter is installed before execve, so it sees them, where a program entering strict mode itself would have made them already.",
      hint: 'Learn lists openat too, because the run opened the file. An allowlist learned from a run that did the bad thing allows the bad thing: leave openat out.',
    },
    {
      title: 'Allow them, except the open',
      body: "Add an `allow:` rule with the start-up calls, `prctl` (so the strict-mode attempt fails with EINVAL instead of killing the program before it gets to the open), and strict mode's own four: `read`, `write`, `exit`, `rt_sigreturn`. Run Check again: the open is denied with kill-process and the process dies by SIGSYS, where strict mode would have used SIGKILL.\n\nThe run's verdict turns red (the process was killed) while the lesson says the goal is met: here the kill is the point. A sandbox that stops the attacker's open by ending the process has failed safely.",
      hint: 'The program leaves with the `exit` system call (strict mode does not allow `exit_group`, which is what returning from main() makes).',
    },
  ],
};

function checkStrictMode(run: RunFacts, policyFacts: PolicyFacts): LessonVerdict {
  const invalid = policyErrors(policyFacts);
  if (invalid) return invalid;
  const policy = policyFacts.policy;
  const findings = new Findings();
  const openDenial = run.denied.find((d) => OPEN_SYSCALLS.includes(d.name));

  if (!run.has('OPENING')) {
    const first = run.denied[0];
    findings.problem(
      first
        ? `the filter stopped the program at ${first.name} (${first.action}) before it reached its open: the filter is installed before execve, so what the C library does at start-up must be allowed`
        : `the program ${run.describeExit()} before it reached its open of /etc/passwd`,
    );
  } else if (run.has('OPENED')) {
    findings.problem(
      'the program opened /etc/passwd and printed its first line: nothing stopped the open',
    );
  } else if (run.has('OPEN-FAILED')) {
    findings.problem(
      `the open failed (${run.first('OPEN-FAILED') ?? ''}) and the program went on: strict mode does not return an error, it kills the process; deny it with kill-process`,
    );
  } else if (!run.killed) {
    findings.problem(`the program ${run.describeExit()} instead of being killed at the open`);
  } else if (openDenial) {
    findings.ok(
      `the open was stopped as strict mode would stop it: ${openDenial.name} was denied (${openDenial.action}) and the process ${run.describeExit()} (strict mode uses SIGKILL)`,
    );
  } else {
    findings.ok(`the process ${run.describeExit()} at the open of /etc/passwd`);
  }

  const defaultAction = policy && defaultActionOf(policy);
  if (isKillAction(defaultAction)) {
    findings.ok(
      `the default is ${describeAction(defaultAction)}: like strict mode, anything the filter does not list kills the process`,
    );
  } else {
    findings.problem(
      `the filter's default is ${describeAction(defaultAction)}: strict mode is an allowlist, so anything else an attacker tries (socket, execve, ...) must kill the process too; make the default kill-process`,
    );
  }

  if (run.has('STRICT-REFUSED')) {
    findings.ok(
      "prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) failed with EINVAL: the process already ran under the studio's filter, and seccomp modes do not stack",
    );
  }
  const extra = policy
    ? unconditionallyAllowed(policy).filter((name) => !STRICT_MODE_SYSCALLS.includes(name))
    : [];
  if (extra.length > 0 && !findings.failed) {
    findings.ok(
      `besides strict mode's read, write, exit and rt_sigreturn, the filter allows ${extra.join(', ')}: calls made before main() runs (the filter exists from execve on) or by the program's own strict-mode attempt`,
    );
  }
  return findings.verdict();
}

export const strictModeCheck: LessonCheck = { on: 'run', check: checkStrictMode };
