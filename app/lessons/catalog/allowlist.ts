import { constantValue } from '../../linux/arch-constants';
import type { DeniedEvent } from '../../trace/events';
import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, policyErrors, type LessonCheck } from '../lesson-check';
import { defaultActionOf, describeAction, type PolicyFacts } from '../policy-facts';
import { deniedArg, type RunFacts } from '../run-facts';

/** The program's four steps of ordinary work (lessons/allowlist.c), each one `[WORK]` line. */
const WORK_STEPS = 4;

const STARTING_POLICY = `# Lesson 3: an allowlist built by learning, narrowed with argument checks.
version: 1
name: 'Lesson 3: allowlist with argument checks'

target:
  command: ['{{target}}']

linux:
  seccomp:
    arch: [x86_64]
    default: kill-process # an allowlist: anything no rule allows kills the program
    rules: [] # empty: run Learn, then "Allow observed"
`;

const SOLUTION_POLICY = `# Lesson 3, a solution: the learned allowlist, with mmap and ioctl narrowed.
version: 1
name: 'Lesson 3: allowlist with argument checks'

target:
  command: ['{{target}}']

linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      # Learned from a run (the loader, the C library and the program's work).
      - allow: [execve, access, arch_prctl, brk, close, exit_group, getrandom, mprotect, munmap,
                newfstatat, fstat, openat, pipe2, pread64, prlimit64, read, rseq,
                set_robust_list, set_tid_address, write]
      # Memory, but never writable and executable at once (W^X): the loader maps code
      # read+exec, malloc and the program map read+write.
      - allow: mmap
        when: '(arg2 & (PROT_WRITE|PROT_EXEC)) != (PROT_WRITE|PROT_EXEC)'
      # Only the two terminal requests the program makes.
      - allow: ioctl
        when: 'arg1 in {TCGETS, FIONREAD}'
      # Whatever else mmap and ioctl are asked for fails, and the program can say so.
      - errno: EPERM
        syscalls: [mmap, ioctl]
`;

export const allowlistLesson: Lesson = {
  id: 'allowlist',
  number: 3,
  title: 'An allowlist, learned and narrowed',
  summary:
    'Build an allowlist filter by learning what a program does, then narrow the two calls learning allows too broadly — mmap and ioctl — with conditions on their arguments.',
  target: { source: 'allowlist.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Make it run cleanly except for the attack: the program does all its work, while the writable+executable mmap and ioctl(TIOCSTI) are denied with errno EPERM.',
    mode: 'check',
  },
  steps: [
    {
      title: 'Learn',
      body: 'The starting filter allows nothing: run Check and the program is killed at its very first system call, the execve. Run Learn instead: the program runs unhindered, and the studio lists every system call the policy does not allow yet. Click "Allow observed" to add them to an allow rule, then run Check: the program runs cleanly.',
    },
    {
      title: 'What the learned list let through',
      body: "Read the output: after its work, the program plays an attacker who got control of it. `mmap(PROT_READ|PROT_WRITE|PROT_EXEC)` gave it a page that is writable and executable — the classic home for shellcode — and `ioctl(0, TIOCSTI)` reached the kernel: on a terminal it types characters into the shell's input. Learning saw the program call mmap and ioctl, so it allowed them with any arguments.",
    },
    {
      title: 'Narrow mmap',
      body: "Remove mmap from the learned list and give it its own rule with a condition on its arguments: `allow: mmap` with `when: '(arg2 & (PROT_WRITE|PROT_EXEC)) != (PROT_WRITE|PROT_EXEC)'`. arg2 is the prot argument. The dynamic loader maps code read+exec and malloc maps memory read+write; no one of them asks for both.",
      hint: 'Conditions are quoted strings. Rules match in order: for a syscall, the first rule that lists it and whose condition holds decides.',
    },
    {
      title: 'Narrow ioctl',
      body: "Do the same for ioctl: its second argument (arg1) is the request. The program asks only `TCGETS` (isatty) and `FIONREAD`: `when: 'arg1 in {TCGETS, FIONREAD}'`.",
    },
    {
      title: 'Deny what is left, gently',
      body: 'An mmap or ioctl that does not match now falls to the default, kill-process: the program dies at the first attack step and never tries the second. Add `errno: EPERM` for `[mmap, ioctl]` after the two allow rules, so the attack fails with EPERM and the program can report it. Run Check: two denials, both attacks `[BLOCKED]`, and all the work done.',
    },
  ],
};

function constant(name: string): bigint {
  const value = constantValue('x86_64', name);
  if (value === undefined) throw new Error(`${name} is missing from the generated tables`);
  return value;
}

const WRITE_EXEC = constant('PROT_WRITE') | constant('PROT_EXEC');
const TIOCSTI = constant('TIOCSTI');

function isWriteExecMmap(event: DeniedEvent): boolean {
  const prot = deniedArg(event, 2);
  return event.name === 'mmap' && prot !== undefined && (prot & WRITE_EXEC) === WRITE_EXEC;
}

/** The kernel reads ioctl's request as an unsigned int: only the low 32 bits count. */
function isTiocsti(event: DeniedEvent): boolean {
  const request = deniedArg(event, 1);
  return event.name === 'ioctl' && request !== undefined && (request & 0xffffffffn) === TIOCSTI;
}

function checkAllowlist(run: RunFacts, policyFacts: PolicyFacts): LessonVerdict {
  const invalid = policyErrors(policyFacts);
  if (invalid) return invalid;
  const findings = new Findings();
  const work = run.all('WORK');
  const wxDenied = run.denied.find(isWriteExecMmap);
  const tiocstiDenied = run.denied.find(isTiocsti);
  const otherDenials = run.denied.filter((d) => d !== wxDenied && d !== tiocstiDenied);

  for (const denial of otherDenials) {
    findings.problem(
      `the policy denied ${denial.name} (${denial.action}), which the program needs for its work${run.has('ATTACK') ? '' : ' — it did not get to the attack'}`,
    );
  }
  if (work.length < WORK_STEPS) {
    const error = run.first('ERROR');
    findings.problem(
      `the program did ${work.length} of its ${WORK_STEPS} steps of work${error ? ` (${error})` : ''} and ${run.describeExit()}`,
    );
  }
  checkAttack(run, wxDenied, tiocstiDenied, findings);

  const defaultAction = policyFacts.policy && defaultActionOf(policyFacts.policy);
  if (defaultAction?.kind === 'allow' || defaultAction?.kind === 'log') {
    findings.problem(
      `the default is ${describeAction(defaultAction)}: that makes the filter a denylist; an allowlist's default denies (kill-process)`,
    );
  }
  if (!findings.failed) {
    findings.ok(`the program did all its work: ${work.join('; ')}`);
    findings.ok(`anything no rule allows still gets the default, ${describeAction(defaultAction)}`);
  }
  return findings.verdict();
}

function checkAttack(
  run: RunFacts,
  wxDenied: DeniedEvent | undefined,
  tiocstiDenied: DeniedEvent | undefined,
  findings: Findings,
): void {
  if (!run.has('ATTACK')) return;
  if (run.all('ESCAPE').some((text) => text.includes('mmap'))) {
    findings.problem(
      'mmap gave the attacker a writable and executable page: allow mmap only `when` its prot argument (arg2) does not ask for both PROT_WRITE and PROT_EXEC',
    );
  }
  if (run.has('REACHED') || run.all('ESCAPE').some((text) => text.includes('TIOCSTI'))) {
    findings.problem(
      "ioctl(TIOCSTI) reached the kernel: allow ioctl only for the requests the program makes, `when: 'arg1 in {TCGETS, FIONREAD}'`",
    );
  }
  if (run.killed) {
    const cause = run.denied.at(-1);
    findings.problem(
      `the program ${run.describeExit()}${cause ? ` at ${cause.name} (${cause.action})` : ''}, so it could not finish: after the narrowed allow rules, add \`errno: EPERM\` for [mmap, ioctl] so the attack fails and the program goes on`,
    );
    return;
  }
  if (wxDenied) {
    findings.ok(`the writable+executable mmap was denied (${wxDenied.action})`);
  }
  if (tiocstiDenied) {
    findings.ok(`ioctl(TIOCSTI) was denied (${tiocstiDenied.action})`);
  }
  if (!run.exitedZero && !findings.failed) {
    findings.problem(`the program ${run.describeExit()}`);
  }
}

export const allowlistCheck: LessonCheck = { on: 'run', check: checkAllowlist };
