import { describe, expect, it } from 'vitest';
import openssh from '../../examples/openssh-preauth.sandbox.yaml?raw';
import { seccompDataFor } from '../bpf/emulate';
import { constantValue } from '../linux/arch-constants';
import { AUDIT_ARCH } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import { interpretResolved } from '../policy/interpret';
import { FormatError, formatErrorLine } from './format-result';
import { firstDifference, parsedPolicy, resolvedText } from './format-test-helpers';
import { exportMinijailPolicy, importMinijailPolicy } from './minijail';

const POLICY = `# A small minijail policy
read: 1
write: allow
openat: return ENOENT
close: 1
mmap: arg2 in ~PROT_EXEC || arg2 in ~PROT_WRITE
mprotect: arg2 in ~(PROT_EXEC) || \\
  arg2 in ~PROT_WRITE
ioctl: arg1 == TCGETS || arg1 == FIONREAD; return ENOTTY
fcntl: arg1 == F_GETFL && arg2 & 04000 || arg1 == F_SETFD
lseek: arg2 <= 2; kill-thread
60: 1
exit_group: 1
kill: trap
getpid: log
`;

function verdictOf(policyText: string, name: string, args: bigint[] = []): string {
  const nr = syscallNumber('x86_64', name);
  if (nr === undefined) throw new Error(`no ${name}`);
  const data = seccompDataFor(nr, args, AUDIT_ARCH.AUDIT_ARCH_X86_64);
  return formatAction(interpretResolved(resolvedText(policyText), data));
}

function importError(text: string, options = {}): FormatError {
  try {
    importMinijailPolicy(text, options);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

const c = (name: string): bigint => constantValue('x86_64', name) ?? 0n;

describe('minijail import', () => {
  const { policyText } = importMinijailPolicy(POLICY, { source: 'small.policy' });

  it('writes a policy with the same meaning', () => {
    expect(policyText).toContain('arch: [x86_64]');
    expect(policyText).toContain('default: kill-process');
    expect(verdictOf(policyText, 'read')).toBe('allow');
    expect(verdictOf(policyText, 'exit')).toBe('allow'); // 60
    expect(verdictOf(policyText, 'openat')).toBe('errno ENOENT');
    expect(verdictOf(policyText, 'mmap', [0n, 4096n, c('PROT_READ') | c('PROT_EXEC')])).toBe(
      'allow',
    );
    expect(verdictOf(policyText, 'mmap', [0n, 4096n, c('PROT_WRITE') | c('PROT_EXEC')])).toBe(
      'kill-process',
    );
    expect(verdictOf(policyText, 'mprotect', [0n, 0n, c('PROT_WRITE')])).toBe('allow');
    expect(verdictOf(policyText, 'ioctl', [1n, c('TCGETS')])).toBe('allow');
    expect(verdictOf(policyText, 'ioctl', [1n, c('TIOCSTI')])).toBe('errno ENOTTY');
    expect(verdictOf(policyText, 'fcntl', [3n, c('F_GETFL'), 0o4000n])).toBe('allow');
    expect(verdictOf(policyText, 'fcntl', [3n, c('F_GETFL'), 0n])).toBe('kill-process');
    expect(verdictOf(policyText, 'lseek', [3n, 0n, 3n])).toBe('kill-thread');
    expect(verdictOf(policyText, 'kill')).toBe('trap');
    expect(verdictOf(policyText, 'getpid')).toBe('log');
    expect(verdictOf(policyText, 'ptrace')).toBe('kill-process');
  });

  it('follows @include, one level deep', () => {
    const files: Record<string, string> = {
      'base.policy': 'read: 1\nwrite: 1\n',
      'nested.policy': '@include base.policy\n',
    };
    const readInclude = (path: string) => files[path];
    const { policyText: text } = importMinijailPolicy('@include base.policy\nexit: 1\n', {
      readInclude,
    });
    expect(verdictOf(text, 'write')).toBe('allow');
    expect(verdictOf(text, 'exit')).toBe('allow');
    const nested = importError('@include nested.policy\n', { readInclude });
    expect(nested.message).toContain('one level');
    expect(nested.file).toBe('nested.policy');
    expect(formatErrorLine('main.policy', nested)).toMatch(/^nested\.policy:1:1: error:/);
    expect(importError('@include missing.policy\n', { readInclude }).range?.start.line).toBe(1);
  });

  it('reports malformed lines with line and column', () => {
    const at = (text: string) => {
      const e = importError(text);
      return [e.range?.start.line, e.range?.start.column, e.message];
    };
    expect(at('read: 1\nwrite arg0\n')).toEqual([2, 1, expect.stringContaining('syscall: policy')]);
    expect(at('read: 1\nioctl: arg9 == 1\n')).toEqual([2, 8, expect.stringContaining('arg0')]);
    expect(at('ioctl: arg1 =! 4\n')).toEqual([1, 13, expect.stringContaining('operator')]);
    expect(at('ioctl: arg1 == NOT_A_CONSTANT\n')).toEqual([
      1,
      16,
      expect.stringContaining('NOT_A_CONSTANT'),
    ]);
    expect(at('read: return EWHAT\n')).toEqual([1, 14, expect.stringContaining('EWHAT')]);
    expect(at('read: 1\nfrobnicate: 1\n')).toEqual([2, 1, expect.stringContaining('frobnicate')]);
    expect(at('read: 1\nread: 1\n')).toEqual([2, 1, expect.stringContaining('already')]);
    expect(at('ioctl: arg1 == 4; return\n')[0]).toBe(1);
    expect(at('@frobnicate x\n')[2]).toContain('directive');
  });
});

describe('minijail export', () => {
  it('round-trips the OpenSSH example equivalently', () => {
    const exported = exportMinijailPolicy(parsedPolicy(openssh));
    expect(exported.warnings).toEqual([]);
    expect(exported.text).toContain('ioctl: arg1 == 0x5401 || arg1 == 0x541b');
    expect(exported.text).toMatch(/madvise: .*; return EINVAL/);
    const back = importMinijailPolicy(exported.text).policyText;
    expect(firstDifference(resolvedText(openssh), resolvedText(back))).toBeUndefined();
  });

  it('round-trips an imported file: import → export → import', () => {
    const first = importMinijailPolicy(POLICY).policyText;
    const exported = exportMinijailPolicy(parsedPolicy(first));
    const second = importMinijailPolicy(exported.text).policyText;
    expect(firstDifference(resolvedText(first), resolvedText(second))).toBeUndefined();
  });

  it('spells out masked and 32-bit equalities, and writes a non-kill default out', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64]
    default: errno EPERM
    rules:
      - allow: [openat]
        when: "(int)arg0 == AT_FDCWD"
      - allow: [clone]
        when: "arg0 & 0xff00 == 0x1100"
`;
    const exported = exportMinijailPolicy(parsedPolicy(text));
    expect(exported.warnings.map((w) => w.message)).toEqual([expect.stringContaining('default')]);
    expect(exported.text).toContain('read: return EPERM');
    expect(exported.text).toMatch(
      /clone: arg0 in 0xffffffffffff11ff && arg0 & 0x100 && arg0 & 0x1000; return EPERM/,
    );
    const back = importMinijailPolicy(exported.text).policyText;
    // Equal on every number the table has (minijail kills numbers beyond it).
    const a = resolvedText(text);
    const b = resolvedText(back);
    expect(verdictOf(back, 'openat', [0xffffff9cn])).toBe('allow');
    expect(verdictOf(back, 'openat', [0xffffffff_ffffff9cn])).toBe('allow');
    expect(verdictOf(back, 'openat', [3n])).toBe('errno EPERM');
    expect(a.arches[0]?.rules.length).toBe(2);
    expect(b.arches[0]?.defaultAction.kind).toBe('kill-process');
  });

  it('refuses what minijail cannot say, at the rule', () => {
    const text = `version: 1
linux:
  seccomp:
    default: kill-process
    rules:
      - allow: [lseek]
        when: "(int)arg1 < 0"
`;
    let error: unknown;
    try {
      exportMinijailPolicy(parsedPolicy(text));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).range?.start.line).toBe(6);
    expect((error as FormatError).message).toMatch(/lseek/);
  });

  it('warns when the cases a rule does not allow get different actions', () => {
    const text = `version: 1
linux:
  seccomp:
    arch: [x86_64, i386]
    default: kill-process
    rules:
      - allow: [ioctl]
        when: "arg1 == 1"
      - errno: ENOTTY
        syscalls: [ioctl]
        when: "arg1 == 2"
`;
    const { warnings, text: out } = exportMinijailPolicy(parsedPolicy(text));
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('per arch'),
      expect.stringContaining('errno ENOTTY, kill-process become kill-process'),
    ]);
    expect(out).toContain('ioctl: arg1 == 1\n');
  });
});
