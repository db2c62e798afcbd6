import { capabilityName, capabilityNumber } from '../../linux/capabilities';
import type { Lesson, LessonVerdict } from '../lesson';
import { Findings, type LessonCheck } from '../lesson-check';
import { parseMask, type RunFacts } from '../run-facts';

const NEEDED = 'CAP_NET_BIND_SERVICE';
const NEEDED_MASK = 1n << BigInt(capabilityBit(NEEDED));

function capabilityBit(name: string): number {
  const bit = capabilityNumber(name);
  if (bit === undefined) throw new Error(`${name} is missing from the generated tables`);
  return bit;
}

const STARTING_POLICY = `# Lesson 6: capabilities, the bounding set and ambient capabilities.
# The program is a service that must listen on a port below 1024 (CAP_NET_BIND_SERVICE).
version: 1
name: 'Lesson 6: one capability, nothing else'

target:
  command: ['{{target}}']

linux:
  no_new_privs: true # setuid programs gain nothing (the default, written out)
  # Nothing dropped yet: the program runs as root with every capability.
  # No seccomp section: this lesson is not about the filter (the studio still watches the run).
`;

const SOLUTION_POLICY = `# Lesson 6, a solution: an ordinary user with exactly one capability, kept across execve.
version: 1
name: 'Lesson 6: one capability, nothing else'

target:
  command: ['{{target}}']

linux:
  user: nobody
  capabilities:
    # A non-root program keeps across execve only its ambient capabilities, which must also be
    # permitted and inheritable.
    permitted: [NET_BIND_SERVICE]
    inheritable: [NET_BIND_SERVICE]
    ambient: [NET_BIND_SERVICE]
    effective: [NET_BIND_SERVICE]
    # Nothing else can ever be gained again, not even through a setuid-root program.
    bounding: [NET_BIND_SERVICE]
`;

export const capabilitiesLesson: Lesson = {
  id: 'capabilities',
  number: 6,
  title: 'Capabilities: bounding and ambient sets',
  summary:
    'Give a service exactly the one privilege it needs: run it as an ordinary user that keeps CAP_NET_BIND_SERVICE through the ambient set, with everything else dropped from the bounding set.',
  target: { source: 'capabilities.c', args: [] },
  startingPolicy: STARTING_POLICY,
  solutionPolicy: SOLUTION_POLICY,
  goal: {
    description:
      'Make it run with one capability: the service binds its port as an ordinary user with only CAP_NET_BIND_SERVICE (effective, ambient and bounding), and every other attempt fails.',
    mode: 'check',
  },
  steps: [
    {
      title: "Root's power, split",
      body: "Root's privileges are split into about forty capabilities. The lesson program is a service that needs one: CAP_NET_BIND_SERVICE, to listen on a port below 1024. Run Check: as root with every capability it binds its port, and then also unshares a mount namespace (CAP_SYS_ADMIN), reads /etc/shadow and may signal init. The `[CAPS]` line shows its sets from /proc/self/status; 0000000000000400 is bit 10, CAP_NET_BIND_SERVICE.",
      hint: 'This lesson switches users and changes capabilities, which needs the studio to run as root.',
    },
    {
      title: 'Keep one capability as root',
      body: 'Add `capabilities: { keep: [NET_BIND_SERVICE] }` and run Check. The unshare now fails, but /etc/shadow is still read and init may still be signalled: the program still runs as uid 0, which owns those files and processes. Capabilities do not matter for what root owns.',
    },
    {
      title: 'An ordinary user, and the ambient set',
      body: 'Add `user: nobody` and run Check: the bind fails. When a non-root user calls execve, the kernel recomputes its capabilities and keeps only those in the ambient set, which must also be in permitted and inheritable. The editor says so in a warning on `keep`.',
    },
    {
      title: 'The long form, bounding set included',
      body: 'Replace `keep` with the long form, each set `[NET_BIND_SERVICE]`: `permitted`, `inheritable`, `ambient`, `effective` and `bounding`. Run Check: nobody binds the port, and everything else fails.\n\nThe bounding set limits what the process and its children could ever gain again, for example by executing a setuid-root or file-capability program: every capability not listed is gone for good. The kernel also lets a capability become inheritable (and so ambient) only while it is in the bounding set, so leaving `bounding` out (an empty set) makes the launcher fail with EPERM. Compare the `[CAPS]` line and the "sandbox at exit" state with the first run.',
      hint: 'A set left out of the long form is empty, as in libcap.',
    },
  ],
};

/** `none`, `CAP_KILL`, or `38 capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, ...)`. */
function describeMask(mask: bigint): string {
  const names: string[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    if ((mask >> bit) & 1n) names.push(capabilityName(Number(bit)) ?? `capability ${bit}`);
  }
  if (names.length <= 3) return names.length === 0 ? 'none' : names.join(', ');
  return `${names.length} capabilities (${names.slice(0, 3).join(', ')}, ...)`;
}

/** CapEff, CapBnd, CapAmb, ... from the program's `[CAPS]` line. */
function capabilitySets(run: RunFacts): Map<string, bigint> {
  const sets = new Map<string, bigint>();
  for (const match of (run.first('CAPS') ?? '').matchAll(/Cap(\w+)=([0-9a-f]+)/g)) {
    const mask = parseMask(match[2]);
    if (match[1] !== undefined && mask !== undefined) sets.set(match[1], mask);
  }
  return sets;
}

function checkSets(run: RunFacts, findings: Findings): void {
  const only = NEEDED_MASK;
  const sets = capabilitySets(run);
  const expected = [
    ['Eff', 'effective'],
    ['Bnd', 'bounding'],
    ['Amb', 'ambient'],
  ] as const;
  for (const [key, set] of expected) {
    const mask = sets.get(key);
    if (mask === undefined) {
      findings.problem(`the program did not report its ${set} set`);
    } else if (mask !== only) {
      const extra = mask & ~only;
      findings.problem(
        extra !== 0n
          ? `the ${set} set still holds ${describeMask(extra)}: list only NET_BIND_SERVICE in ${set}`
          : `the ${set} set is ${describeMask(mask)}: it must hold NET_BIND_SERVICE`,
      );
    }
  }
  if (!findings.failed) {
    findings.ok('effective, ambient and bounding sets hold CAP_NET_BIND_SERVICE and nothing else');
  }
}

function checkEscape(text: string, uid: string | undefined): string {
  const asRoot = uid === '0';
  if (text.startsWith('unshare')) {
    return `the service could ${text.replace(' succeeded', '')}: it still has CAP_SYS_ADMIN`;
  }
  if (text.includes('/etc/shadow')) {
    return asRoot
      ? 'the service read /etc/shadow: it runs as root, which owns the file, so no capability is even needed; run it as `user: nobody`'
      : 'the service read /etc/shadow: it still has CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH';
  }
  return asRoot
    ? `the service could ${text.replace(' succeeded', '')}: as root it may signal every root process without any capability; run it as \`user: nobody\``
    : `the service could ${text.replace(' succeeded', '')}: it still has CAP_KILL`;
}

function checkCapabilities(run: RunFacts): LessonVerdict {
  const findings = new Findings();
  const uid = /uid (\d+)/.exec(run.first('WHO') ?? '')?.[1];
  const failedWork = run.first('WORK-FAILED');
  if (failedWork !== undefined) {
    findings.problem(
      `the service could not do its job: ${failedWork}${uid !== '0' ? '; a non-root program keeps a capability across execve only in the ambient set (with permitted and inheritable)' : ''}`,
    );
  } else if (run.has('WORK')) {
    findings.ok(`the service did its job: ${run.first('WORK') ?? ''}`);
  } else {
    findings.problem(`the program ${run.describeExit()} before it tried its job`);
  }
  for (const escape of run.all('ESCAPE')) findings.problem(checkEscape(escape, uid));
  if (uid === '0' && !run.has('ESCAPE')) {
    findings.problem(
      'the service runs as root (uid 0): run it as an ordinary user, `user: nobody`',
    );
  } else if (uid !== undefined && uid !== '0') {
    findings.ok(`it runs as an ordinary user (uid ${uid})`);
  }
  checkSets(run, findings);
  const blocked = run.all('BLOCKED');
  if (blocked.length > 0 && !run.has('ESCAPE')) {
    findings.ok(`everything else failed: ${blocked.join('; ')}`);
  }
  return findings.verdict();
}

export const capabilitiesCheck: LessonCheck = { on: 'run', check: checkCapabilities };
