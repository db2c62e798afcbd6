import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, notMet, policyErrors, type LessonCheck } from '../lesson-check';
import type { PolicyFacts } from '../policy-facts';
import type { RunFacts } from '../run-facts';

/** Reading the config and writing the log (lessons/landlock.c), each one `[WORK]` line. */
const WORK_STEPS = 2;
/** The compromised service's three attempts, each one `[ESCAPE]` or `[BLOCKED]` line. */
const ATTACKS = 3;

const STARTING_POLICY = `# Lesson 7: Landlock.
# A small service reads its config (/etc/os-release stands in for one) and writes a log in /tmp.
version: 1
name: 'Lesson 7: Landlock for a config and a log'

target:
  command: ['{{target}}']

linux:
  no_new_privs: true # setuid programs gain nothing (the default, written out)
  # Yours to add: a landlock section.
  # No seccomp section: this lesson is not about the filter (the studio still watches the run).
`;

const SOLUTION_POLICY = `# Lesson 7, a solution: read the config, write beneath the log directory, execute only itself.
version: 1
name: 'Lesson 7: Landlock for a config and a log'

target:
  command: ['{{target}}']

linux:
  landlock:
    # Executing a file needs both read and execute on it.
    read: [/etc/os-release, '{{target}}']
    write: [/tmp]
    execute: ['{{target}}']
`;

export const landlockLesson: Lesson = {
  id: 'landlock',
  number: 7,
  title: 'Landlock: a file system allowlist',
  summary:
    'Restrict the file system of a program that reads a config and writes a log with Landlock: it keeps exactly those paths, and loses the rest of the file system — even as root.',
  target: { source: 'landlock.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Make it run cleanly with only its own files: the config is read and the log written, while reading /etc/passwd, creating a file in /var/tmp and executing /bin/sh all fail.',
    mode: 'check',
  },
  steps: [
    {
      title: 'What the service does',
      body: 'Run Check. The service reads its config (/etc/os-release), writes a log file in /tmp and removes it again. Then, as if compromised, it reads /etc/passwd, creates a file in /var/tmp and executes /bin/sh: all three `[ESCAPE]`.\n\nLandlock lets any process, unprivileged or root, give up the file system except beneath the paths it names, for itself and every program it starts. The studio sets it up just before executing the program.',
    },
    {
      title: 'Read and write',
      body: 'Add a `landlock:` section with `read: [/etc/os-release]` and `write: [/tmp]`. As soon as one of read, write or execute is written, every file system right is handled: what is not granted beneath a listed path is denied. Run Check.',
      hint: '/etc/os-release is a symbolic link to /usr/lib/os-release; the rule is set on the file it points to, and opening the link reaches it.',
    },
    {
      title: 'Execute the program itself',
      body: "The run fails before the program starts: execve fails with EACCES. Executing a file is a file system access too, and it needs both `read` and `execute` on the file. Add the program's path (the first entry of target.command) to `read` and to a new `execute` list. Run Check: the work succeeds, and all three attempts are `[BLOCKED]`.",
    },
    {
      title: 'Further',
      body: 'Landlock rights are per path and inherited beneath it. In production give the log its own directory (/var/log/myservice) rather than /tmp. With Landlock ABI 4 (Linux 6.7) `net_connect: []` would also forbid TCP connections.',
    },
  ],
};

/** Landlock's classic first failure: the program itself may not be executed. */
function explainRefusedExec(run: RunFacts): LessonVerdict | undefined {
  const refused = run.errors.find((e) => e.layer === 'exec' && e.errnoName === 'EACCES');
  if (!refused) return undefined;
  return notMet(
    `the program could not even start: ${refused.message}`,
    "with Landlock, executing a file needs both read and execute on it: add the program's path (the first entry of target.command) to read and to execute",
  );
}

function checkLandlock(run: RunFacts, policyFacts: PolicyFacts): LessonVerdict {
  const invalid = policyErrors(policyFacts);
  if (invalid) return invalid;
  const findings = new Findings();
  if (!policyFacts.policy?.linux.landlock) {
    findings.problem('the policy has no `landlock:` section');
  }
  for (const failed of run.all('WORK-FAILED')) {
    findings.problem(
      `the service could not do its work: ${failed}; grant what it needs (read its config, write beneath the log directory)`,
    );
  }
  for (const escape of run.all('ESCAPE')) {
    findings.problem(`the compromised service got through: ${escape}`);
  }
  const work = run.all('WORK');
  const blocked = run.all('BLOCKED');
  if (!findings.failed && (work.length < WORK_STEPS || blocked.length < ATTACKS)) {
    findings.problem(
      `the program ${run.describeExit()} before it finished: ${run.first('ERROR') ?? 'see the run'}`,
    );
  }
  if (work.length === WORK_STEPS) findings.ok(`the service did its work: ${work.join('; ')}`);
  if (blocked.length === ATTACKS) findings.ok(`everything else was refused: ${blocked.join('; ')}`);
  if (!run.exitedZero && !findings.failed) findings.problem(`the program ${run.describeExit()}`);
  return findings.verdict();
}

export const landlockCheck: LessonCheck = {
  on: 'run',
  check: checkLandlock,
  explainFailure: explainRefusedExec,
};
