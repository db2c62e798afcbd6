import { constantValue } from '../../app/linux/arch-constants';
import { X86 } from '../../app/linux/constants';
import { syscallNumber } from '../../app/linux/syscalls';
import type { Policy } from '../../app/policy/model';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import type { Probe } from './syscall-probe';

/**
 * Policies and probes shared by the code-export integration tests: every action kind, argument
 * conditions on 32- and 64-bit values, masks, and a syscall through a foreign ABI (x32).
 */

export function policyOf(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text);
  if (!policy || hasErrors(diagnostics)) {
    throw new Error(`test policy is invalid: ${JSON.stringify(diagnostics)}`);
  }
  return policy;
}

/** Every action, on syscalls whose real effect is harmless. */
export const EVERY_ACTION_POLICY = `version: 1
name: every action
linux:
  no_new_privs: true
  dumpable: false
  rlimits: { nofile: 64, core: 0 }
  capabilities: { keep: [NET_BIND_SERVICE] }
  seccomp:
    arch: [x86_64]
    default: errno EPERM
    rules:
      - allow: [write, exit, futex, getpid, getppid, gettid, prctl, prlimit64, capget]
      - errno: EACCES
        syscalls: [getuid]
      - action: kill-process
        syscalls: [getgid]
      - action: trap
        syscalls: [geteuid]
      - action: kill-thread
        syscalls: [getegid]
      - action: log
        syscalls: [getpgrp]
      - action: trace 7
        syscalls: [getsid]
      - errno: 1234
        syscalls: [umask]
      - errno: ENOTDIR
        syscalls: [close]
        when: "arg0 == 7"
      - allow: close
        when: "arg0 == 8"
      - allow: lseek
        when: "arg1 > 0x100000000"
      - allow: mmap
        when: "(arg3 & MAP_ANONYMOUS) != 0"
`;

/** Default kill-process, and foreign ABIs get an errno instead. */
export const KILL_DEFAULT_POLICY = `version: 1
name: kill by default
linux:
  seccomp:
    arch: [x86_64]
    default: kill-process
    bad_arch: errno EPERM
    rules:
      - allow: [write, exit, getpid]
      - errno: EACCES
        syscalls: [getuid]
`;

export const STRICT_POLICY = `version: 1
name: strict mode
linux:
  no_new_privs: true
  seccomp_strict: true
`;

function nr(name: string): number {
  const value = syscallNumber('x86_64', name);
  if (value === undefined) throw new Error(`x86_64 has no ${name}`);
  return value;
}

const MAP_ANONYMOUS = constantValue('x86_64', 'MAP_ANONYMOUS') ?? 0n;
const MAP_PRIVATE = constantValue('x86_64', 'MAP_PRIVATE') ?? 0n;
const MAP_SHARED = constantValue('x86_64', 'MAP_SHARED') ?? 0n;
const MINUS_ONE = (1n << 64n) - 1n;

const probe = (label: string, name: string, args: readonly bigint[] = []): Probe => ({
  label,
  nr: nr(name),
  args,
});

export const PROBES: readonly Probe[] = [
  probe('getpid (allow)', 'getpid'),
  probe('gettid (allow)', 'gettid'),
  probe('getuid (errno EACCES)', 'getuid'),
  probe('getgid (kill-process)', 'getgid'),
  probe('geteuid (trap)', 'geteuid'),
  probe('getegid (kill-thread)', 'getegid'),
  probe('getpgrp (log)', 'getpgrp'),
  probe('getsid (trace without a tracer)', 'getsid', [0n]),
  probe('umask (errno 1234)', 'umask', [0o22n]),
  probe('close(7) (errno ENOTDIR when arg0 == 7)', 'close', [7n]),
  probe('close(8) (allowed when arg0 == 8)', 'close', [8n]),
  probe('close(9) (default)', 'close', [9n]),
  probe('lseek offset 2^32 + 1 (allowed: > 2^32)', 'lseek', [999n, 0x1_0000_0001n, 0n]),
  probe('lseek offset 2^32 (default: not > 2^32)', 'lseek', [999n, 0x1_0000_0000n, 0n]),
  probe('lseek offset 1 (default)', 'lseek', [999n, 1n, 0n]),
  probe('lseek offset with high bits only (allowed)', 'lseek', [999n, 0xffff_ffff_0000_0000n, 0n]),
  probe('anonymous mmap (allowed by mask)', 'mmap', [
    0n,
    4096n,
    0n,
    MAP_PRIVATE | MAP_ANONYMOUS,
    MINUS_ONE,
    0n,
  ]),
  probe('shared file mmap (default)', 'mmap', [0n, 4096n, 0n, MAP_SHARED, MINUS_ONE, 0n]),
  probe('sched_yield (default)', 'sched_yield'),
  { label: 'syscall number no arch has (default)', nr: 0xfff, args: [] },
  {
    label: 'getpid through the x32 ABI (bad arch)',
    nr: X86.__X32_SYSCALL_BIT + nr('getpid'),
    args: [],
  },
];

export const KILL_DEFAULT_PROBES: readonly Probe[] = [
  probe('getpid (allow)', 'getpid'),
  probe('getuid (errno EACCES)', 'getuid'),
  probe('sched_yield (default kill-process)', 'sched_yield'),
  {
    label: 'getpid through the x32 ABI (bad_arch errno)',
    nr: X86.__X32_SYSCALL_BIT + nr('getpid'),
    args: [],
  },
];
