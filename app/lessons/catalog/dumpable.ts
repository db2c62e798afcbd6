import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, type LessonCheck } from '../lesson-check';
import type { RunFacts } from '../run-facts';

const STARTING_POLICY = `# Lesson 2: PR_SET_DUMPABLE and ptrace.
# The program keeps a secret in memory; a child process of the same user tries to read it.
version: 1
name: 'Lesson 2: dumpable and ptrace'

target:
  command: ['{{target}}']

linux:
  # Root may trace any process (CAP_SYS_PTRACE overrides dumpable): run as an ordinary user.
  # Switching user needs root; as an ordinary user you already are one, so it is best effort.
  user: nobody
  best_effort: [identity]

  dumpable: false # the obvious setting... read the editor's warning on it

  # No seccomp section: this lesson is not about the filter (the studio still watches the run).
`;

const SOLUTION_POLICY = `# Lesson 2, a solution: the program makes itself non-dumpable, after exec.
version: 1
name: 'Lesson 2: dumpable and ptrace'

target:
  command: ['{{target}}', --set-dumpable-0]

linux:
  user: nobody
  best_effort: [identity]
`;

export const dumpableLesson: Lesson = {
  id: 'dumpable',
  number: 2,
  title: 'PR_SET_DUMPABLE and ptrace',
  summary:
    "Any process of the same user can read another one's memory with ptrace or process_vm_readv. prctl(PR_SET_DUMPABLE, 0) stops that, but execve resets it: see why only the program itself can set it.",
  target: { source: 'dumpable.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      "Make the secret unreadable: the child's process_vm_readv and ptrace fail because the program made itself non-dumpable.",
    mode: 'check',
  },
  steps: [
    {
      title: 'Same user, same memory',
      body: 'Debuggers work because a process may trace (ptrace) or read the memory (process_vm_readv, /proc/PID/mem) of any other process of the same user. For a program holding a key or a password, every other program of that user is then a way in.\n\nThe lesson program keeps a secret in memory and forks a child that tries to read it both ways. Run Check: the child prints `[LEAKED]` twice.',
    },
    {
      title: 'Why the policy setting does nothing',
      body: 'The starting policy says `dumpable: false`, and the editor warns that the studio cannot apply it. The program prints `[DUMPABLE-AT-START] 1`: execve sets the flag back to 1 for every ordinary program, so whatever a launcher set before the exec would be gone by the time main() runs — which is why the studio does not pretend to apply it.\n\nThe policy also runs the program as `nobody`: root has CAP_SYS_PTRACE, which lets it trace any process whatever its dumpable flag, so the lesson needs an ordinary user to show the difference.',
    },
    {
      title: 'Let the program do it',
      body: 'The program makes itself non-dumpable when started with `--set-dumpable-0`: it calls `prctl(PR_SET_DUMPABLE, 0)` early in main(), after the exec. Add the argument to `target.command`, remove the `dumpable:` line, and run Check again. The studio shows the call as the program sandboxing itself, and the child now gets EPERM both ways.',
      hint: "command: ['/path/to/dumpable', --set-dumpable-0] — keep the path the lesson put there.",
    },
    {
      title: 'In your own programs',
      body: "Call prctl(PR_SET_DUMPABLE, 0) yourself, early, in every program that holds secrets (OpenSSH's ssh-agent does). Export → C writes the call for a policy that says `dumpable: false`. Note what it does not stop: a process with CAP_SYS_PTRACE, and the program's own children after they exec something else.",
    },
  ],
};

function checkDumpable(run: RunFacts): LessonVerdict {
  const findings = new Findings();
  const leaks = run.all('LEAKED');
  const protections = run.all('PROTECTED');
  const setItself = run.has('DUMPABLE-SET');
  const hasPtraceCapability = /CAP_SYS_PTRACE yes/.test(run.first('WHO') ?? '');

  if (leaks.length > 0) {
    findings.problem(`the child got in: ${leaks[0] ?? ''}`);
    if (!setItself) {
      findings.problem(
        'the program never made itself non-dumpable: a `dumpable: false` in the policy cannot help, execve resets the flag (the program started with dumpable = 1); start it with --set-dumpable-0 so it calls prctl(PR_SET_DUMPABLE, 0) itself',
      );
    }
    if (hasPtraceCapability) {
      findings.problem(
        'the program runs with CAP_SYS_PTRACE (as root), which lets any process of its user trace it whatever dumpable says: run it as `user: nobody`',
      );
    }
    return findings.verdict();
  }
  if (protections.length < 2) {
    findings.problem(
      `the child's two attempts did not both run (the program ${run.describeExit()}): ${run.first('ERROR') ?? 'see the run'}`,
    );
    return findings.verdict();
  }
  if (!setItself) {
    const byFilter = run.denied.filter((d) => d.name === 'ptrace' || d.name === 'process_vm_readv');
    findings.problem(
      byFilter.length > 0
        ? `the filter stopped the child (${byFilter.map((d) => `${d.name}: ${d.action}`).join(', ')}), but any other process of this user outside the sandbox could still read the secret: the program must make itself non-dumpable (--set-dumpable-0)`
        : 'the child was stopped, but not because the program made itself non-dumpable: start it with --set-dumpable-0',
    );
    return findings.verdict();
  }
  const selfCall = run.selfSandbox.find((e) => e.kind === 'dumpable');
  findings.ok(
    `the program made itself non-dumpable after exec${selfCall ? ` (${selfCall.call}, seen by the studio)` : ''}`,
  );
  findings.ok(`the child was refused both ways: ${protections.join('; ')}`);
  if (run.first('DUMPABLE-AT-START')?.startsWith('1')) {
    findings.ok(
      'it started dumpable (1): execve had reset whatever was set before it, which is why only the program can do this',
    );
  }
  if (!run.exitedZero) findings.problem(`the program ${run.describeExit()}`);
  return findings.verdict();
}

export const dumpableCheck: LessonCheck = { on: 'run', check: checkDumpable };
