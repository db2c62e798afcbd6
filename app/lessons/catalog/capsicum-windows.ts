import { CodeExportError, type CodeExport } from '../../export/code-export';
import { policyToFreeBsdC } from '../../export/freebsd-c';
import { policyToWindowsC } from '../../export/windows-c';
import type { CapsicumLimit, Policy, WindowsMitigation } from '../../policy/model';
import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, policyErrors, type LessonCheck } from '../lesson-check';
import type { PolicyFacts } from '../policy-facts';

const STARTING_POLICY = `# Lesson 8: Capsicum on FreeBSD, process mitigation policies on Windows.
# A filter program: it reads standard input, writes standard output, and does nothing else.
# Its Linux sandbox is below; write the same intent for FreeBSD and Windows.
version: 1
name: 'Lesson 8: a filter program on FreeBSD and Windows'

linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      - allow: [read, write, fstat, close, brk, mmap, munmap, exit_group]

# freebsd:
#   capsicum: ...

# windows:
#   mitigations: ...
`;

const SOLUTION_POLICY = `# Lesson 8, a solution.
version: 1
name: 'Lesson 8: a filter program on FreeBSD and Windows'

linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    rules:
      - allow: [read, write, fstat, close, brk, mmap, munmap, exit_group]

# Capability mode: no more paths, PIDs or socket addresses, only the descriptors already open,
# each with just the rights listed.
freebsd:
  capsicum:
    enter: true
    limit:
      stdin: [read, fstat]
      stdout: [write, fstat]
      stderr: [write]

# Mitigations the process cannot weaken once applied.
windows:
  mitigations:
    dep: { enable: true }
    aslr: { bottom_up: true, force_relocate: true, high_entropy: true }
    cfg: { enable: true }
    dynamic_code: { prohibit: true }
    child_process: { deny: true }
`;

export const capsicumWindowsLesson: Lesson = {
  id: 'capsicum-windows',
  number: 8,
  title: 'Capsicum and Windows mitigations',
  summary:
    'Author the same sandbox for FreeBSD (Capsicum capability mode and descriptor rights) and for Windows (process mitigation policies), and export each as C. The studio checks and exports them; they run on their own systems.',
  target: null,
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Write a freebsd.capsicum section (capability mode, stdin read-only, stdout write-only) and a windows.mitigations section (DEP, ASLR with force_relocate, no child processes) that both export to C.',
    mode: null,
  },
  steps: [
    {
      title: 'One intent, three systems',
      body: 'The studio runs Linux programs, but a policy can also carry a FreeBSD and a Windows part, which the studio validates and exports as C code for the program to call on its own system. There is nothing to run in this lesson: the check reads the policy.\n\nThe program is a filter: it reads standard input, writes standard output, and does nothing else. The Linux part is already written.',
    },
    {
      title: 'FreeBSD: Capsicum',
      body: "Capsicum's capability mode (`cap_enter()`) takes away every global namespace: no opening by path, no PIDs, no socket addresses; the process keeps only the descriptors it already has, each limited to the rights it was given (`cap_rights_limit()`). Add:\n\n`freebsd:` → `capsicum:` with `enter: true` and `limit:` giving `stdin` the rights `[read, fstat]` and `stdout` `[write, fstat]`.\n\nThen Export → FreeBSD C (or `sandbox-studio export freebsd-c POLICY`) to see the calls.",
      hint: 'Rights are named as in sys/capsicum.h without CAP_: read is CAP_READ.',
    },
    {
      title: 'Windows: mitigation policies',
      body: 'Windows has no system call filter for ordinary programs, but a process can turn on mitigations it can never turn off again (SetProcessMitigationPolicy). Add:\n\n`windows:` → `mitigations:` with `dep: { enable: true }`, `aslr: { force_relocate: true }` (also bottom_up, high_entropy) and `child_process: { deny: true }` — the Windows side of "no execve".\n\nExport → Windows C writes both a self-applied form and a launcher form.',
      hint: 'cfg: { enable: true } and dynamic_code: { prohibit: true } are worth adding: Control Flow Guard and no JIT.',
    },
  ],
};

function limitFor(limits: readonly CapsicumLimit[], fd: number): CapsicumLimit | undefined {
  return limits.find((limit) => limit.fd === fd);
}

function checkCapsicum(policy: Policy, findings: Findings): void {
  const capsicum = policy.freebsd?.capsicum;
  if (!capsicum) {
    findings.problem('the policy has no `freebsd: capsicum:` section');
    return;
  }
  if (!capsicum.enter) {
    findings.problem(
      'capsicum.enter is false: without capability mode, rights limits alone leave every path open',
    );
  }
  const stdin = limitFor(capsicum.limits, 0);
  const stdout = limitFor(capsicum.limits, 1);
  if (!stdin?.rights.includes('read') || stdin.rights.includes('write')) {
    findings.problem(
      `stdin must be limited to reading: it has ${stdin ? `[${stdin.rights.join(', ')}]` : 'no limit'}; give it [read, fstat]`,
    );
  }
  if (!stdout?.rights.includes('write') || stdout.rights.includes('read')) {
    findings.problem(
      `stdout must be limited to writing: it has ${stdout ? `[${stdout.rights.join(', ')}]` : 'no limit'}; give it [write, fstat]`,
    );
  }
  if (!findings.failed) {
    findings.ok('FreeBSD: capability mode with stdin read-only and stdout write-only');
  }
}

function hasFlag(mitigations: readonly WindowsMitigation[], name: string, flag: string): boolean {
  return mitigations.some((m) => m.name === name && (m.flags as readonly string[]).includes(flag));
}

const REQUIRED_MITIGATIONS = [
  ['dep', 'enable', 'DEP'],
  ['aslr', 'force_relocate', 'ASLR for every image (force_relocate)'],
  ['child_process', 'deny', 'no child processes'],
] as const;

function checkWindows(policy: Policy, findings: Findings): void {
  const mitigations = policy.windows?.mitigations;
  if (!mitigations) {
    findings.problem('the policy has no `windows: mitigations:` section');
    return;
  }
  const missing = REQUIRED_MITIGATIONS.filter(([name, flag]) => !hasFlag(mitigations, name, flag));
  for (const [name, flag, what] of missing) {
    findings.problem(`Windows: ${what} is missing: add ${name}: { ${flag}: true }`);
  }
  if (missing.length === 0) {
    findings.ok(
      `Windows: ${mitigations.map((m) => `${m.name} (${m.flags.join(', ')})`).join('; ')}`,
    );
  }
}

function exportsCleanly(
  label: string,
  exporter: (policy: Policy) => CodeExport,
  policy: Policy,
  findings: Findings,
): void {
  try {
    const code = exporter(policy);
    findings.ok(`Export → ${label}: ${code.text.split('\n').length} lines of C`);
  } catch (error) {
    const where =
      error instanceof CodeExportError && error.range ? ` (line ${error.range.start.line})` : '';
    findings.problem(
      `Export → ${label} failed${where}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function checkOtherSystems(policyFacts: PolicyFacts): LessonVerdict {
  const invalid = policyErrors(policyFacts);
  if (invalid) return invalid;
  const policy = policyFacts.policy;
  if (!policy) return { met: false, reasons: ['the policy could not be read'] };
  const findings = new Findings();
  checkCapsicum(policy, findings);
  checkWindows(policy, findings);
  if (policy.freebsd?.capsicum) exportsCleanly('FreeBSD C', policyToFreeBsdC, policy, findings);
  if (policy.windows) exportsCleanly('Windows C', policyToWindowsC, policy, findings);
  return findings.verdict();
}

export const capsicumWindowsCheck: LessonCheck = { on: 'policy', check: checkOtherSystems };
