import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, type LessonCheck } from '../lesson-check';
import type { RunFacts } from '../run-facts';

const STARTING_POLICY = `# Lesson 5: threads and TSYNC.
# The program installs its own seccomp filter (openat fails with EPERM) from its main thread,
# after it has started a worker thread.
version: 1
name: 'Lesson 5: threads and TSYNC'

target:
  command: ['{{target}}']

linux:
  no_new_privs: true
  # No seccomp section: the studio's filter stays out of the way, the program sandboxes itself.
`;

const SOLUTION_POLICY = `# Lesson 5, a solution: the program installs its filter with SECCOMP_FILTER_FLAG_TSYNC.
# (Another one: deny openat here. The studio's filter is installed before execve, so every
# thread the program ever starts inherits it.)
version: 1
name: 'Lesson 5: threads and TSYNC'

target:
  command: ['{{target}}', --tsync]

linux:
  no_new_privs: true
`;

export const tsyncLesson: Lesson = {
  id: 'tsync',
  number: 5,
  title: 'Threads and TSYNC',
  summary:
    'A seccomp filter binds the thread that installs it. Watch a multi-threaded program sandbox itself and a thread that already ran escape, then fix it with SECCOMP_FILTER_FLAG_TSYNC or with a filter applied before the program starts.',
  target: { source: 'tsync.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Make every thread sandboxed: the worker thread cannot open /etc/passwd either, and the program runs to its end.',
    mode: 'check',
  },
  steps: [
    {
      title: 'One thread sandboxed',
      body: "Run Check. The program starts a worker thread, then its main thread installs a filter that makes openat fail with EPERM. The main thread is refused, `[BLOCKED-MAIN]`, but the worker opens /etc/passwd, `[OPENED-WORKER]`.\n\nThe studio watched the program sandbox itself and warned: the filter was installed without SECCOMP_FILTER_FLAG_TSYNC while another thread ran, so it binds only the calling thread (and threads it starts later). Libraries start threads behind a program's back, so this is easy to get wrong.",
    },
    {
      title: 'Fix it in the program: TSYNC',
      body: 'With `SECCOMP_FILTER_FLAG_TSYNC`, the kernel puts the new filter on every thread of the process at once, or fails if one of them cannot take it. The program does that when started with `--tsync`: add it to `target.command` and run Check. The studio now reports the flag, and the worker is refused too.',
      hint: "command: ['/path/to/tsync', --tsync]",
    },
    {
      title: 'Or fix it from outside',
      body: "A filter installed before the program starts binds every thread it will ever have: they all descend from the one that called execve. Instead of --tsync, give the policy a filter that denies openat: under `linux:` add `seccomp: { default: allow, rules: [{ errno: EPERM, syscalls: [openat] }] }`, and run Check. Both threads are refused by the studio's filter (the program is linked statically, so no dynamic loader needs openat first). Export → C installs its filter with TSYNC, for the same reason.",
    },
  ],
};

function checkTsync(run: RunFacts): LessonVerdict {
  const findings = new Findings();
  const install = run.selfSandbox.find((e) => e.kind === 'seccomp-filter');
  const usedTsync = install?.flags.includes('SECCOMP_FILTER_FLAG_TSYNC') ?? false;
  const opened = run.first('OPENED-WORKER');

  if (opened !== undefined) {
    findings.problem(
      `the worker escaped: ${opened} after the main thread had sandboxed the process`,
    );
    findings.problem(
      install?.warning
        ? `the studio saw why: ${install.call}: ${install.warning}; start the program with --tsync, or deny openat in the policy so the filter exists before any thread`
        : 'the filter did not bind the worker: start the program with --tsync, or deny openat in the policy so the filter exists before any thread',
    );
    return findings.verdict();
  }
  const blocked = run.first('BLOCKED-WORKER');
  if (blocked === undefined) {
    findings.problem(
      `the worker never tried to open the file: the program ${run.describeExit()}${run.first('ERROR') ? ` (${run.first('ERROR') ?? ''})` : ''}`,
    );
    return findings.verdict();
  }
  findings.ok(`the worker was refused too: ${blocked}`);
  if (usedTsync) {
    findings.ok(
      `the program installed its filter with SECCOMP_FILTER_FLAG_TSYNC (${install?.call ?? 'seccomp()'}): the kernel put it on every thread`,
    );
  } else {
    const byPolicy = run.denied.filter((d) => d.name === 'openat' || d.name === 'open');
    findings.ok(
      byPolicy.length > 0
        ? `the studio's filter denied openat (${byPolicy[0]?.action ?? ''}): installed before execve, it binds every thread the program starts`
        : 'every thread ran under a filter that refused the open',
    );
  }
  if (!run.has('DONE') || !run.exitedZero) {
    findings.problem(
      `the program ${run.describeExit()} before its end: deny the open with errno EPERM, not a kill, so both threads can report it`,
    );
  }
  return findings.verdict();
}

export const tsyncCheck: LessonCheck = { on: 'run', check: checkTsync };
