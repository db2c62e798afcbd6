import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import type { SyscallEvent, TraceEvent } from '../../app/trace/events';
import { editedPolicy } from './bench-policy';
import { measureWhatIf } from './measure-whatif';
import { parseWhatIfBenchArgs, WHATIF_DEFAULTS } from './options';
import { parseLearnOutput } from './record';
import { distinctTuples, randomSource, syntheticTrace } from './synthetic-trace';
import { formatWhatIfJson, formatWhatIfReport, whatIfResult } from './whatif-report';

let clock = 0;
const call = (name: string, nr: number, args: string[]): SyscallEvent => ({
  type: 'syscall',
  t: (clock += 1.5),
  pid: 7,
  tid: 7,
  name,
  nr,
  arch: 'x86_64',
  args,
  action: 'kill-process',
});
const zeros = ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'];
const RECORDED: TraceEvent[] = [
  { type: 'exec', t: 0, pid: 7, tid: 7, path: '/bin/x', argv: ['/bin/x'] },
  call('read', 0, ['0x3', '0x7ffd12340000', '0x1000', '0x0', '0x0', '0x0']),
  call('openat', 257, ['0xffffff9c', '0x55d0aa001000', '0x80000', '0x0', '0x0', '0x0']),
  call('openat', 257, ['0xffffff9c', '0x55d0aa002000', '0x1', '0x0', '0x0', '0x0']),
  call('getcwd', 79, ['0x7ffd12341000', '0x1000', '0x0', '0x0', '0x0', '0x0']),
  call('close', 3, ['0x3', ...zeros.slice(1)]),
  { type: 'stdout', t: 9, data: 'hi\n' },
];

describe('syntheticTrace', () => {
  it('repeats the recorded syscalls in order, with the same share each', () => {
    const trace = syntheticTrace(RECORDED, { count: 50 });
    expect(trace).toHaveLength(50);
    expect(trace.slice(0, 5).map((e) => e.name)).toEqual([
      'read',
      'openat',
      'openat',
      'getcwd',
      'close',
    ]);
    expect(trace.filter((e) => e.name === 'openat')).toHaveLength(20);
    expect(trace.every((e, i) => i === 0 || e.t >= (trace[i - 1]?.t ?? 0))).toBe(true);
  });

  it('moves pointers, keeps fds, sizes and flags (O_CLOEXEC too)', () => {
    const trace = syntheticTrace(RECORDED, { count: 5000, seed: 3 });
    const reads = trace.filter((e) => e.name === 'read');
    expect(new Set(reads.map((e) => e.args[0]))).toEqual(new Set(['0x3']));
    expect(new Set(reads.map((e) => e.args[2]))).toEqual(new Set(['0x1000']));
    expect(new Set(reads.map((e) => e.args[1])).size).toBeGreaterThan(100);
    const opens = trace.filter((e) => e.name === 'openat');
    expect(new Set(opens.map((e) => e.args[2]))).toEqual(new Set(['0x80000', '0x1']));
    expect(new Set(opens.map((e) => e.args[0]))).toEqual(new Set(['0xffffff9c']));
    expect(distinctTuples(trace)).toBeGreaterThan(1000);
  });

  it('is the same for the same seed', () => {
    expect(syntheticTrace(RECORDED, { count: 100, seed: 9 })).toEqual(
      syntheticTrace(RECORDED, { count: 100, seed: 9 }),
    );
    const random = randomSource(1);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('needs syscall events to replicate', () => {
    expect(() => syntheticTrace([RECORDED[0]!], { count: 1 })).toThrow(/no syscall events/);
  });
});

describe('editedPolicy', () => {
  const names = ['read', 'openat', 'getcwd', 'close'];
  const edited = editedPolicy(names, 'getcwd', 'read');

  it('writes policies that parse: before, after allowing one syscall, and a new split', () => {
    for (const text of [edited.before, edited.after, edited.split]) {
      expect(parsePolicy(text).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
    expect(edited.before).not.toMatch(/getcwd/);
    expect(edited.after).toMatch(/allow: \[close, read, getcwd\]/);
    expect(edited.split).toMatch(/allow: read\n\s+when: "arg0 < 1024"/);
    expect(edited.conditioned).toEqual(['openat']);
  });

  it('refuses syscalls it cannot edit that way', () => {
    expect(() => editedPolicy(names, 'execve', 'read')).toThrow(/not in the recorded trace/);
    expect(() => editedPolicy(names, 'openat', 'read')).toThrow(/conditioned already/);
    expect(() => editedPolicy(names, 'read', 'read')).toThrow(/two different/);
  });
});

describe('measureWhatIf', () => {
  it('times keystrokes and agrees with the reference on every event', () => {
    const events = [...RECORDED, ...syntheticTrace(RECORDED, { count: 400 })];
    const policy = editedPolicy(['read', 'openat', 'getcwd', 'close'], 'getcwd', 'read');
    let clock = 0;
    const figures = measureWhatIf(events, policy, {
      keystrokes: 4,
      referenceRuns: 1,
      now: () => (clock += 1),
    });
    expect(figures.events).toBe(events.length);
    expect(figures.disagreements).toBe(0);
    expect(figures.keystrokes).toBe(4);
    expect(figures.keystroke.totalMs).toBe(3);
    // getcwd is 1 in 5 of the syscall events (80 + the recorded one); openat with O_WRONLY stays
    // denied.
    expect(figures.after.allowed - figures.before.allowed).toBe(81);
    expect(figures.after.denied).toBe(81);
    expect(figures.filterRuns).toBeLessThan(10);
  });
});

describe('options', () => {
  it('defaults to a million events', () => {
    expect(parseWhatIfBenchArgs([])).toEqual({ ...WHATIF_DEFAULTS, json: false });
  });

  it('reads its own flags and ignores the other benchmarks', () => {
    expect(
      parseWhatIfBenchArgs([
        '--runs',
        '3',
        '--whatif-events',
        '1_000',
        '--whatif-keystrokes=5',
        '--json',
      ]),
    ).toEqual({ events: 1000, keystrokes: 5, referenceRuns: 3, json: true });
  });

  it('refuses bad counts with the flag named', () => {
    expect(() => parseWhatIfBenchArgs(['--whatif-events'])).toThrow(
      /--whatif-events needs a whole number/,
    );
    expect(() => parseWhatIfBenchArgs(['--whatif-keystrokes=0'])).toThrow(/1\.\.1000/);
    expect(() => parseWhatIfBenchArgs(['--whatif-reference-runs', 'x'])).toThrow(/whole number/);
  });
});

describe('parseLearnOutput', () => {
  it('reads the event lines and skips the summary', () => {
    const text = `${JSON.stringify(RECORDED[1])}\n${JSON.stringify(RECORDED[6])}\nlearned 1 syscall\n  read 1\n`;
    expect(parseLearnOutput(text)).toEqual([RECORDED[1], RECORDED[6]]);
  });

  it('refuses a line that is not an event', () => {
    expect(() => parseLearnOutput('{"type":"nope"}\n')).toThrow(/line 1 is not an event/);
  });
});

describe('report', () => {
  const events = syntheticTrace(RECORDED, { count: 200 });
  const policy = editedPolicy(['read', 'openat', 'getcwd', 'close'], 'getcwd', 'read');
  const figures = measureWhatIf(events, policy, { keystrokes: 2, referenceRuns: 1 });
  const context = {
    recording: 'learn --json of /bin/x',
    recordedEvents: 5,
    edit: 'allow getcwd',
    splitSyscall: 'read',
    conditioned: policy.conditioned,
    targetMs: 100,
  };

  it('states the figure against the target', () => {
    const text = formatWhatIfReport(whatIfResult(context, figures));
    expect(text).toMatch(/keystroke → updated verdicts, median of 2: \d+\.\d ms/);
    expect(text).toMatch(/target < 100 ms: met/);
    expect(text).toMatch(/verdicts equal to the reference on every event: yes/);
    expect(text).toMatch(/200 events built from learn --json of \/bin\/x/);
  });

  it('does not call the target met when the evaluations disagree or it is too slow', () => {
    expect(whatIfResult(context, { ...figures, disagreements: 1 }).targetMet).toBe(false);
    const slow = { ...figures, keystroke: { ...figures.keystroke, totalMs: 150 } };
    expect(formatWhatIfReport(whatIfResult(context, slow))).toMatch(/NOT MET/);
  });

  it('prints JSON with --json', () => {
    const parsed = JSON.parse(formatWhatIfJson(whatIfResult(context, figures)));
    expect(parsed.figures.events).toBe(200);
    expect(parsed.targetMet).toBe(true);
  });
});
