import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archInfo } from '../linux/arches';
import { syscallNumber, type Arch } from '../linux/syscalls';
import { interpretResolved } from '../policy/interpret';
import { parsePolicy } from '../policy/parse';
import { resolvePolicy } from '../policy/resolve';
import type { Policy } from '../policy/model';
import { actionReturnValue } from './actions';
import { DATA_CHOICE, seccompDataFrom } from './compile-arbitraries';
import { compilePolicy } from './compile';
import { isConstantAllow, runFilter, seccompDataFor } from './emulate';
import { compileSupervisedFilter, policyVerdict } from './supervise';
import { verifyProgram } from './verify';

/** From policy text to a filter: parse, resolve per arch, compile, run. */

function parsed(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return policy;
}

const OPENSSH_LIKE = parsed(`version: 1
linux:
  seccomp:
    arch: [x86_64, i386, x32]
    default: kill-process
    rules:
      - allow: [read, write, close, exit_group, futex, getpid, brk, rt_sigreturn]
      - allow: mmap
        when: "(arg3 & ~(MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_FIXED)) == 0"
      - allow: ioctl
        when: "arg1 in {TCGETS, FIONREAD}"
      - errno: EACCES
        syscalls: [openat, open]
        when: "allof(arg2, O_CREAT|O_EXCL)"
      - allow: [openat]
      - allow: socket
        when: "arg0 == AF_UNIX || arg0 == AF_INET"
      - errno: EAFNOSUPPORT
        syscalls: [socket]
      - allow: clone
        when: "noneof(arg0, CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET)"
      - allow: personality
        when: "arg0 in {0, 8, 0x20000, 0x20008, 0xffffffff}"
      - action: trap 7
        syscalls: [ptrace]
`);

const ARCHES: readonly Arch[] = ['x86_64', 'i386', 'x32'];

function nrOn(arch: Arch, name: string): number {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) throw new Error(`test: ${arch} has no ${name}`);
  return nr;
}

describe('compilePolicy on a policy with argument conditions', () => {
  const resolved = resolvePolicy(OPENSSH_LIKE);
  const { program, arches } = compilePolicy(OPENSSH_LIKE);

  it('compiles every listed arch into one verified program', () => {
    expect(arches).toEqual(ARCHES);
    expect(verifyProgram(program)).toEqual({ ok: true });
  });

  it('matches the reference interpreter on edge-biased arguments (fast-check)', () => {
    fc.assert(
      fc.property(DATA_CHOICE, fc.constantFrom(...ARCHES), fc.nat(), (choice, arch, pick) => {
        const names = ['mmap', 'ioctl', 'openat', 'socket', 'clone', 'personality', 'read'];
        const nr = nrOn(arch, names[pick % names.length] ?? 'read');
        const data = { ...seccompDataFrom(resolved, choice), nr, arch: archInfo(arch).auditArch };
        expect(runFilter(program, data).ret).toBe(
          actionReturnValue(interpretResolved(resolved, data)),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('decides the spelled-out cases', () => {
    const on = (name: string, args: bigint[], arch: Arch = 'x86_64') =>
      runFilter(program, seccompDataFor(nrOn(arch, name), args, archInfo(arch).auditArch)).ret;
    const allow = actionReturnValue({ kind: 'allow' });
    const kill = actionReturnValue({ kind: 'kill-process' });
    expect(on('socket', [1n])).toBe(allow);
    expect(on('socket', [10n])).toBe(actionReturnValue({ kind: 'errno', errno: 97 }));
    expect(on('personality', [0xffffffffn])).toBe(allow);
    expect(on('personality', [0xffffffff_ffffffffn])).toBe(kill);
    expect(on('ptrace', [])).toBe(actionReturnValue({ kind: 'trap', data: 7 }));
    expect(on('clone', [0x10000000n], 'i386')).toBe(kill);
    expect(on('clone', [0x11n], 'x32')).toBe(allow);
  });

  it('leaves plain allows to the action cache on every arch', () => {
    for (const arch of ARCHES) {
      const audit = archInfo(arch).auditArch;
      expect(isConstantAllow(program, nrOn(arch, 'read'), audit)).toBe(true);
      expect(isConstantAllow(program, nrOn(arch, 'socket'), audit)).toBe(false);
      expect(isConstantAllow(program, nrOn(arch, 'openat'), audit)).toBe(false);
    }
  });

  it('policyVerdict takes the arguments into account', () => {
    expect(policyVerdict(OPENSSH_LIKE, nrOn('x86_64', 'ioctl'), 'x86_64', [1n, 0x541bn])).toEqual({
      kind: 'allow',
    });
    expect(policyVerdict(OPENSSH_LIKE, nrOn('x86_64', 'ioctl'), 'x86_64', [1n, 0x5412n])).toEqual({
      kind: 'kill-process',
    });
  });

  it('the supervised filter allows what the policy allows for these arguments, notifies the rest', () => {
    const supervised = compileSupervisedFilter(OPENSSH_LIKE).program;
    const notify = actionReturnValue({ kind: 'notify' });
    const allow = actionReturnValue({ kind: 'allow' });
    const ioctl = nrOn('x86_64', 'ioctl');
    expect(runFilter(supervised, seccompDataFor(ioctl, [1n, 0x541bn])).ret).toBe(allow);
    expect(runFilter(supervised, seccompDataFor(ioctl, [1n, 0x5412n])).ret).toBe(notify);
    expect(runFilter(supervised, seccompDataFor(nrOn('x86_64', 'execve'))).ret).toBe(notify);
  });
});
