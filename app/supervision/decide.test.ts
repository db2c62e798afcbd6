import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../bpf/compile';
import { seccompDataFor } from '../bpf/emulate';
import { parsePolicy } from '../policy/parse';
import { syscallNumber } from '../linux/syscalls';
import { AUDIT_ARCH } from '../linux/constants';
import { decideNotification } from './decide';

function deployed(text: string) {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(JSON.stringify(diagnostics));
  return compilePolicy(policy).program;
}

const nr = (name: string) => {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(name);
  return value;
};

const program = deployed(`version: 1
linux:
  seccomp:
    default: kill-process
    rules:
      - allow: [read, execve]
      - errno: EACCES
        syscalls: [openat]
      - action: trap
        syscalls: [ptrace]
      - action: log
        syscalls: [getpid]
`);

describe('decideNotification', () => {
  it('lets allowed syscalls through silently in both modes', () => {
    for (const mode of ['learn', 'check'] as const) {
      expect(decideNotification(mode, program, seccompDataFor(nr('read')))).toMatchObject({
        reply: { kind: 'continue' },
        event: 'none',
        action: 'allow',
      });
    }
  });

  it('learn mode records what the policy does not allow and lets it run', () => {
    expect(decideNotification('learn', program, seccompDataFor(nr('openat')))).toMatchObject({
      reply: { kind: 'continue' },
      event: 'syscall',
      action: 'errno EACCES',
    });
    expect(decideNotification('learn', program, seccompDataFor(nr('write'))).reply).toEqual({
      kind: 'continue',
    });
  });

  it('check mode returns the errno the policy asks for', () => {
    expect(decideNotification('check', program, seccompDataFor(nr('openat')))).toMatchObject({
      reply: { kind: 'errno', errno: 13 },
      event: 'denied',
      action: 'errno EACCES',
    });
  });

  it('check mode kills the process with SIGSYS for kill-process, and traps the thread for trap', () => {
    expect(decideNotification('check', program, seccompDataFor(nr('write')))).toMatchObject({
      event: 'denied',
      action: 'kill-process',
      signal: { scope: 'process', name: 'SIGSYS' },
    });
    expect(decideNotification('check', program, seccompDataFor(nr('ptrace')))).toMatchObject({
      event: 'denied',
      action: 'trap',
      signal: { scope: 'thread', name: 'SIGSYS' },
    });
  });

  it('log is allowed but recorded', () => {
    expect(decideNotification('check', program, seccompDataFor(nr('getpid')))).toMatchObject({
      reply: { kind: 'continue' },
      event: 'syscall',
      action: 'log',
    });
  });

  it('a foreign architecture gets the arch action (kill-process) in check mode', () => {
    const data = seccompDataFor(nr('read'), [], AUDIT_ARCH.AUDIT_ARCH_I386);
    expect(decideNotification('check', program, data)).toMatchObject({
      event: 'denied',
      action: 'kill-process',
    });
  });
});

describe('decideNotification with argument conditions and action data', () => {
  const conditional = deployed(`version: 1
linux:
  seccomp:
    default: kill-process
    rules:
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - errno: ENOTTY
        syscalls: [ioctl]
      - action: trace 9
        syscalls: [ptrace]
      - action: trap 3
        syscalls: [kill]
`);

  it('follows the arguments, as the kernel filter would', () => {
    const allowed = seccompDataFor(nr('ioctl'), [1n, 0x5401n]);
    const other = seccompDataFor(nr('ioctl'), [1n, 0x5412n]);
    expect(decideNotification('check', conditional, allowed).event).toBe('none');
    expect(decideNotification('check', conditional, other)).toMatchObject({
      reply: { kind: 'errno', errno: 25 },
      event: 'denied',
      action: 'errno ENOTTY',
    });
    expect(decideNotification('learn', conditional, other)).toMatchObject({
      reply: { kind: 'continue' },
      event: 'syscall',
    });
  });

  it('names trace and trap data, and fails traced syscalls with ENOSYS (no tracer)', () => {
    expect(decideNotification('check', conditional, seccompDataFor(nr('ptrace')))).toMatchObject({
      reply: { kind: 'errno', errno: 38 },
      event: 'denied',
      action: 'trace 9',
    });
    expect(decideNotification('check', conditional, seccompDataFor(nr('kill')))).toMatchObject({
      action: 'trap 3',
      signal: { scope: 'thread', name: 'SIGSYS' },
    });
  });
});

describe('decideNotification: remembering decisions', () => {
  it('says a decision is argument-free only when the filter never looked at the arguments', () => {
    const filter = deployed(`version: 1
linux:
  seccomp:
    default: kill-process
    rules:
      - allow: [read]
      - allow: mmap
        when: "arg2 == 3"
`);
    const free = (name: string, args: bigint[] = []) =>
      decideNotification('check', filter, seccompDataFor(nr(name), args)).argumentFree;
    expect(free('read')).toBe(true);
    expect(free('getpid')).toBe(true);
    expect(free('mmap', [0n, 0n, 3n])).toBe(false);
    expect(free('mmap', [0n, 0n, 7n])).toBe(false);
  });
});
