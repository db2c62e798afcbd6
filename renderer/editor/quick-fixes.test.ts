import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { applyEdit } from '../../app/policy/text-edit';
import type { TraceEvent } from '../../app/trace/events';
import { observedArguments } from './observed-arguments';
import { closestNames, quickFixes, type QuickFix } from './quick-fixes';

function apply(text: string, fix: QuickFix): string {
  return [...fix.edits].sort((a, b) => b.start - a.start).reduce(applyEdit, text);
}

function fixesAt(
  text: string,
  marker: string,
  extra: Partial<Parameters<typeof quickFixes>[0]> = {},
) {
  const offset = text.indexOf(marker);
  const diagnostics = parsePolicy(text).diagnostics.filter(
    (d) => d.range.start.offset <= offset && offset <= d.range.end.offset,
  );
  return quickFixes({ text, diagnostics, start: offset, end: offset, ...extra });
}

const HEAD = 'version: 1\nlinux:\n  seccomp:\n    default: kill-process\n    rules:\n';

describe('closestNames', () => {
  it('ranks close names by edit distance', () => {
    expect(closestNames('fstatt', ['read', 'fstatfs', 'fstat'])).toEqual(['fstat', 'fstatfs']);
    expect(closestNames('opnat', ['openat', 'open', 'close', 'read'])).toEqual(['openat']);
    expect(closestNames('xyz', ['openat'])).toEqual([]);
  });
});

describe('quickFixes', () => {
  it('replaces an unknown syscall by the closest names, the first preferred', () => {
    const text = `${HEAD}      - allow: [opnat, read]\n`;
    const fixes = fixesAt(text, 'opnat');
    expect(fixes.map((f) => f.title)).toEqual(['Change to openat']);
    expect(fixes[0]?.preferred).toBe(true);
    expect(fixes[0]?.diagnostic?.code).toBe('unknown-syscall');
    const fixed = apply(text, fixes[0]!);
    expect(fixed).toBe(`${HEAD}      - allow: [openat, read]\n`);
    expect(parsePolicy(fixed).diagnostics).toEqual([]);
  });

  it("keeps quotes, and suggests among the policy's arches for a name another arch has", () => {
    const text = `${HEAD.replace('    default', '    arch: [aarch64]\n    default')}      - allow: ["pipe"]\n`;
    const fixes = fixesAt(text, 'pipe');
    expect(fixes.map((f) => f.title)).toEqual(['Change to pipe2']);
    const fixed = apply(text, fixes[0]!);
    expect(fixed).toMatch(/allow: \["pipe2"\]/);
    expect(parsePolicy(fixed).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('fixes a misspelt group', () => {
    const text = `${HEAD}      - allow: ["@basic-oi"]\n`;
    const fixed = apply(text, fixesAt(text, '@basic-oi')[0]!);
    expect(fixed).toBe(`${HEAD}      - allow: ["@basic-io"]\n`);
  });

  it('removes a shadowed entry, or the rule it leaves empty', () => {
    const text = `${HEAD}      - allow: [read, write]\n      - errno: EPERM\n        syscalls: [read, openat]\n      - allow: write\n`;
    const shadowed = fixesAt(text, 'read, openat');
    expect(shadowed).toHaveLength(1);
    expect(shadowed[0]?.title).toBe('Remove read from this rule (it never applies)');
    expect(apply(text, shadowed[0]!)).toBe(
      `${HEAD}      - allow: [read, write]\n      - errno: EPERM\n        syscalls: [openat]\n      - allow: write\n`,
    );
    const repeated = fixesAt(text, 'write\n');
    expect(repeated[0]?.title).toBe(
      'Remove write from this rule (an earlier rule already does it)',
    );
    const fixed = apply(text, repeated[0]!);
    expect(fixed).toBe(
      `${HEAD}      - allow: [read, write]\n      - errno: EPERM\n        syscalls: [read, openat]\n`,
    );
  });

  it('narrows an allow rule to the argument values the last run saw', () => {
    const text = `${HEAD}      - allow: [read, ioctl]\n`;
    const events: TraceEvent[] = [0x5401, 0x5413].map((request) => ({
      type: 'syscall',
      t: 0,
      pid: 1,
      tid: 1,
      name: 'ioctl',
      nr: 16,
      arch: 'x86_64',
      args: ['0x1', `0x${request.toString(16)}`, '0x7ffc0000', '0x0', '0x0', '0x0'],
    }));
    const fixes = fixesAt(text, 'read', { observed: observedArguments(events) });
    expect(fixes.map((f) => f.title)).toEqual([
      'Allow ioctl only when arg1 in {TCGETS, TIOCGWINSZ} (unsigned long request: as observed)',
    ]);
    const fixed = apply(text, fixes[0]!);
    expect(fixed).toBe(
      `${HEAD}      - allow: [read]\n      - allow: ioctl\n        when: "arg1 in {TCGETS, TIOCGWINSZ}"\n`,
    );
  });

  it('allows the syscalls the last run needed that no rule decides, where the user edits', () => {
    const text = `${HEAD}      - allow: [read]\n      - errno: EPERM\n        syscalls: [uname]\n`;
    const event = (name: string, nr: number): TraceEvent => ({
      type: 'denied',
      t: 0,
      pid: 1,
      tid: 1,
      name,
      nr,
      arch: 'x86_64',
      args: ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0'],
      action: 'kill-process',
    });
    const observed = observedArguments([event('getpid', 39), event('uname', 63), event('brk', 12)]);
    const fixes = fixesAt(text, 'read', { observed });
    const fix = fixes.find((f) => f.title.startsWith('Allow the syscalls the last run needed'));
    // uname is denied on purpose by a rule: not proposed.
    expect(fix?.title).toBe('Allow the syscalls the last run needed: brk, getpid');
    expect(apply(text, fix!)).toContain('- allow: [read, brk, getpid]');
  });

  it('offers no narrowing without a run, for conditional rules, or with errors', () => {
    const observed = observedArguments([
      {
        type: 'syscall',
        t: 0,
        pid: 1,
        tid: 1,
        name: 'ioctl',
        nr: 16,
        arch: 'x86_64',
        args: ['0x1', '0x5401', '0x0', '0x0', '0x0', '0x0'],
      },
    ]);
    const plain = `${HEAD}      - allow: ioctl\n`;
    expect(fixesAt(plain, 'ioctl')).toEqual([]);
    const conditional = `${HEAD}      - allow: ioctl\n        when: "arg0 == 1"\n`;
    expect(fixesAt(conditional, 'ioctl', { observed })).toEqual([]);
    const broken = `${HEAD}      - allow: [ioctl, nosuch]\n`;
    expect(fixesAt(broken, 'ioctl', { observed })).toEqual([]);
    expect(fixesAt(plain, 'ioctl', { observed })).toHaveLength(1);
  });
});
