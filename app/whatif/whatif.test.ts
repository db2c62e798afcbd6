import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../bpf/asm';
import { DATA_CHOICE, POLICY, seccompDataFrom } from '../bpf/compile-arbitraries';
import { compileResolved } from '../bpf/compile-resolved';
import { validProgram } from '../bpf/disasm-arbitrary';
import type { BpfProgram, SeccompData } from '../bpf/program';
import { archForAudit } from '../linux/arches';
import { AUDIT_ARCH } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import type { TraceEvent } from '../trace/events';
import { judgeEventDirectly } from './direct';
import { EventVerdicts } from './event-verdicts';
import { TraceEvaluation } from './trace-evaluation';
import { TraceIndex } from './trace-index';
import { outcomeLabel, VERDICT } from './verdicts';
import { judgeTrace, whatIfForText } from './whatif';

const nr = (name: string): number => {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(`test: no syscall ${name}`);
  return value;
};
const hexArgs = (...values: (number | bigint)[]) =>
  [0, 1, 2, 3, 4, 5].map((i) => `0x${BigInt.asUintN(64, BigInt(values[i] ?? 0)).toString(16)}`);

function learned(name: string, args = hexArgs(), action = 'kill-process'): TraceEvent {
  return {
    type: 'syscall',
    t: 1,
    pid: 10,
    tid: 10,
    name,
    nr: nr(name),
    arch: 'x86_64',
    args,
    action,
  };
}
function denied(name: string, action: string, args = hexArgs()): TraceEvent {
  return {
    type: 'denied',
    t: 1,
    pid: 10,
    tid: 10,
    name,
    nr: nr(name),
    arch: 'x86_64',
    args,
    action,
  };
}
function audited(name: string, action: string): TraceEvent {
  return {
    type: 'denied',
    t: 1,
    pid: 10,
    tid: 10,
    name,
    nr: nr(name),
    arch: 'x86_64',
    args: [],
    action,
    source: 'audit',
  };
}
const exec: TraceEvent = {
  type: 'exec',
  t: 0,
  pid: 10,
  tid: 10,
  path: '/bin/true',
  argv: ['/bin/true'],
};

const policy = (rules: string, defaultAction = 'kill-process') => `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: ${defaultAction}
    rules:
${rules}`;

function verdictsFor(text: string, events: readonly TraceEvent[]): EventVerdicts {
  const index = new TraceIndex();
  index.append(events);
  const outcome = whatIfForText(text, index);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.verdicts;
}

const O_WRONLY = 1;

describe('what-if verdicts of a learn run', () => {
  const events = [
    exec,
    learned('openat', hexArgs(-100, 0x7f00, 0)),
    learned('openat', hexArgs(-100, 0x7f08, O_WRONLY)),
    learned('read', hexArgs(3, 0x5000, 4096)),
    learned('read', hexArgs(3, 0x5000, 4096)),
    learned('close', hexArgs(3)),
  ];

  it('marks syscalls the edited policy allows, and keeps the rest denied', () => {
    const verdicts = verdictsFor(policy('      - allow: [read]\n'), events);
    expect([...verdicts.codes()]).toEqual([
      VERDICT.none,
      VERDICT.denied,
      VERDICT.denied,
      VERDICT.allowed,
      VERDICT.allowed,
      VERDICT.denied,
    ]);
    expect(verdicts.counts).toEqual({ allowed: 2, denied: 3, changed: 0, unknown: 0 });
    expect(verdicts.verdictOf(3)).toBe('allowed');
    expect(verdicts.outcomeOf(3)).toBe('allow');
    expect(verdicts.outcomeOf(5)).toBe('kill-process');
    expect(verdicts.outcomeOf(0)).toBeUndefined();
  });

  it('judges each call by its arguments when a rule has a condition', () => {
    const rules = '      - allow: openat\n        when: "(arg2 & O_ACCMODE) == O_RDONLY"\n';
    const verdicts = verdictsFor(policy(rules), events);
    expect(verdicts.verdictOf(1)).toBe('allowed');
    expect(verdicts.verdictOf(2)).toBe('denied');
  });

  it('marks as changed what is still denied, but otherwise than in the run', () => {
    const verdicts = verdictsFor(policy('      - allow: [read]\n', 'errno EPERM'), events);
    expect(verdicts.counts).toEqual({ allowed: 2, denied: 0, changed: 3, unknown: 0 });
    expect(verdicts.outcomeOf(1)).toBe('errno EPERM');
  });

  it('runs the filter once per syscall whose verdict ignores the arguments', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      learned('read', hexArgs(3, 0x1000 + i * 16, 4096)),
    );
    const verdicts = verdictsFor(policy('      - allow: [read]\n'), many);
    expect(verdicts.evaluation.stats).toEqual({ tuples: 500, filterRuns: 1 });
    expect(verdicts.counts.allowed).toBe(500);
  });

  it('runs it once per distinct value of the words a condition reads', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      learned('openat', hexArgs(-100, 0x7f00 + i * 8, i % 3 === 0 ? O_WRONLY : 0)),
    );
    const rules = '      - allow: openat\n        when: "(arg2 & O_ACCMODE) == O_RDONLY"\n';
    const verdicts = verdictsFor(policy(rules), many);
    // The first call (O_WRONLY) and one call with flags 0.
    expect(verdicts.evaluation.stats.filterRuns).toBe(2);
    expect(verdicts.counts).toEqual({ allowed: 200, denied: 100, changed: 0, unknown: 0 });
  });
});

describe('what-if verdicts of check and enforce runs', () => {
  it('compares with the action the run applied', () => {
    const events = [denied('openat', 'errno EACCES'), denied('openat', 'errno EPERM')];
    const verdicts = verdictsFor(
      policy('      - errno: EACCES\n        syscalls: [openat]\n'),
      events,
    );
    expect([...verdicts.codes()]).toEqual([VERDICT.denied, VERDICT.changed]);
  });

  it('judges an audit record (no arguments) only when the verdict ignores arguments', () => {
    const events = [
      audited('openat', 'errno'),
      audited('ioctl', 'kill-process'),
      audited('read', 'kill-process'),
    ];
    const rules =
      '      - errno: EPERM\n        syscalls: [openat]\n      - allow: ioctl\n        when: "arg1 == TCGETS"\n';
    const verdicts = verdictsFor(policy(rules), events);
    expect([...verdicts.codes()]).toEqual([VERDICT.denied, VERDICT.unknown, VERDICT.denied]);
    expect(verdicts.outcomeOf(1)).toBeUndefined();
  });

  it('marks malformed events unknown', () => {
    const bad: TraceEvent = {
      ...(learned('read') as Extract<TraceEvent, { type: 'syscall' }>),
      arch: 'vax',
    };
    const verdicts = verdictsFor(policy('      - allow: [read]\n'), [bad]);
    expect(verdicts.verdictOf(0)).toBe('unknown');
    expect(verdicts.counts.unknown).toBe(1);
  });

  it('marks unknown what depends on the instruction pointer, which events do not record', () => {
    const result = assemble(
      'A = instruction_pointer\nA == 0 ? ok : next\nreturn KILL\nok:\nreturn ALLOW\n',
    );
    if (result.errors) throw new Error('test program');
    const index = new TraceIndex();
    index.append([learned('read')]);
    expect(judgeTrace(result.program, index).verdictOf(0)).toBe('unknown');
  });

  it('marks everything unknown when the program cannot run, instead of failing', () => {
    const index = new TraceIndex();
    index.append([learned('read'), learned('read', hexArgs(1))]);
    const broken: BpfProgram = [{ code: 0x20, jt: 0, jf: 0, k: 16 }]; // no RET
    expect([...judgeTrace(broken, index).codes()]).toEqual([VERDICT.unknown, VERDICT.unknown]);
  });
});

describe('whatIfForText', () => {
  it('reports the first error of a policy that does not parse, with its place', () => {
    const index = new TraceIndex();
    const outcome = whatIfForText('version: 1\nlinux:\n  seccomp:\n    default: nonsense\n', index);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.message).toMatch(/^line 4, column \d+: /);
  });

  it('judges against the filter the run would deploy, over every arch listed', () => {
    const text =
      'version: 1\nlinux:\n  seccomp:\n    arch: [x86_64, i386]\n    default: kill-process\n    rules:\n      - allow: [read]\n';
    const i386read: TraceEvent = {
      ...(learned('read') as Extract<TraceEvent, { type: 'syscall' }>),
      arch: 'i386',
      nr: syscallNumber('i386', 'read') ?? -1,
    };
    const aarch: TraceEvent = {
      ...(learned('read') as Extract<TraceEvent, { type: 'syscall' }>),
      arch: 'aarch64',
    };
    const verdicts = verdictsFor(text, [learned('read'), i386read, aarch]);
    expect(verdicts.verdictOf(0)).toBe('allowed');
    expect(verdicts.verdictOf(1)).toBe('allowed');
    // An arch the policy does not list gets the bad-arch action.
    expect(verdicts.verdictOf(2)).toBe('denied');
  });
});

describe('growth', () => {
  it('follows a growing trace: update() equals judging everything at once', () => {
    const index = new TraceIndex();
    const program = compileResolved({
      arches: [],
      badArchAction: { kind: 'errno', errno: 1 },
    }).program;
    const verdicts = new EventVerdicts(new TraceEvaluation(program, index));
    expect(verdicts.length).toBe(0);
    index.append([learned('read'), exec]);
    expect(verdicts.update()).toBe(2);
    expect(verdicts.update()).toBe(0);
    expect(verdicts.counts).toEqual({ allowed: 0, denied: 0, changed: 1, unknown: 0 });
  });
});

/* Random filters and random traces: the indexed evaluation must agree with running every event. */

const ACTION_LABELS = ['kill-process', 'errno EPERM', 'errno EACCES', 'errno', 'trap', 'log', ''];

function eventOf(data: SeccompData, kind: number, label: string, ret?: number): TraceEvent {
  const arch = archForAudit(data.arch, data.nr) ?? `0x${(data.arch >>> 0).toString(16)}`;
  const fields = {
    t: 0,
    pid: 1,
    tid: 1,
    name: 'x',
    nr: data.nr | 0, // the supervisor reports nr as a signed int
    arch,
    args: data.args.map((a) => `0x${a.toString(16)}`),
  };
  const action = label === 'actual' && ret !== undefined ? outcomeLabel(ret) : label;
  if (kind === 0) return { type: 'syscall', ...fields, action };
  if (kind === 1) return { type: 'denied', ...fields, action };
  return { type: 'denied', ...fields, args: [], action, source: 'audit' };
}

const TRACE_SHAPE = fc.record({
  pool: fc.array(
    fc.record({
      data: DATA_CHOICE,
      kind: fc.nat({ max: 2 }),
      label: fc.constantFrom(...ACTION_LABELS, 'actual'),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
  chunks: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }),
});

function expectAgreement(
  program: BpfProgram,
  events: readonly TraceEvent[],
  chunks: readonly number[],
) {
  const direct = events.map((e) => judgeEventDirectly(program, e));
  const index = new TraceIndex();
  index.append(events);
  expect([...judgeTrace(program, index).codes()]).toEqual(direct);
  // The same trace arriving in batches, judged as it grows.
  const growing = new TraceIndex();
  const verdicts = judgeTrace(program, growing);
  let at = 0;
  for (let c = 0; at < events.length; c++) {
    const size = chunks[c % chunks.length] ?? 1;
    growing.append(events.slice(at, at + size));
    verdicts.update();
    at += size;
  }
  expect([...verdicts.codes()]).toEqual(direct);
  const counts = verdicts.counts;
  expect(counts.allowed).toBe(direct.filter((c) => c === VERDICT.allowed).length);
  expect(counts.changed).toBe(direct.filter((c) => c === VERDICT.changed).length);
}

describe('indexed evaluation == evaluating every event directly (fast-check)', () => {
  it('on compiled policies', () => {
    fc.assert(
      fc.property(POLICY, TRACE_SHAPE, (resolved, shape) => {
        const { program } = compileResolved(resolved);
        const pool = shape.pool.map(({ data, kind, label }) => {
          const d = seccompDataFrom(resolved, data);
          return eventOf(d, kind, label, judgeRet(program, d));
        });
        const events = shape.picks.map((p, i) => (i % 9 === 8 ? exec : pool[p % pool.length]!));
        expectAgreement(program, events, shape.chunks);
      }),
      { numRuns: 400 },
    );
  });

  it('on arbitrary verified programs, which may read anything', () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const data = fc.record({
      nr: fc.oneof(fc.nat({ max: 40 }), fc.nat({ max: 0xffffffff })),
      arch: fc.constantFrom(
        AUDIT_ARCH.AUDIT_ARCH_X86_64 >>> 0,
        AUDIT_ARCH.AUDIT_ARCH_I386 >>> 0,
        0x1234,
      ),
      args: fc.tuple(u64, fc.constantFrom(0n, 1n, 2n ** 32n), u64, u64, u64, u64),
    });
    fc.assert(
      fc.property(
        validProgram(),
        fc.array(
          fc.record({ data, kind: fc.nat({ max: 2 }), label: fc.constantFrom(...ACTION_LABELS) }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (program, pool, picks) => {
          const events = picks.map((p) => {
            const item = pool[p % pool.length]!;
            return eventOf({ ...item.data, instructionPointer: 0n }, item.kind, item.label);
          });
          expectAgreement(program, events, [3, 1, 7]);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

function judgeRet(program: BpfProgram, data: SeccompData): number | undefined {
  const index = new TraceIndex();
  index.append([eventOf(data, 0, '')]);
  return judgeTrace(program, index).evaluation.retOf(0);
}
