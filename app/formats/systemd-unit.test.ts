import { describe, expect, it } from 'vitest';
import openssh from '../../examples/openssh-preauth.sandbox.yaml?raw';
import { seccompDataFor } from '../bpf/emulate';
import { constantValue } from '../linux/arch-constants';
import { AUDIT_ARCH } from '../linux/constants';
import { syscallNumber } from '../linux/syscalls';
import { formatAction } from '../policy/actions';
import { interpretResolved } from '../policy/interpret';
import { FormatError } from './format-result';
import { firstDifference, parsedPolicy, resolvedText } from './format-test-helpers';
import { exportSystemdDropIn, importSystemdUnit } from './systemd-unit';

function exported(text: string, options = {}) {
  return exportSystemdDropIn(parsedPolicy(text), options);
}

function roundTrip(text: string): string {
  const dropIn = exported(text);
  expect(dropIn.warnings).toEqual([]);
  return importSystemdUnit(dropIn.text).policyText;
}

/** What the imported policy does with `name(args)` on x86_64. */
function verdictOf(policyText: string, name: string, args: bigint[] = []): string {
  const nr = syscallNumber('x86_64', name);
  if (nr === undefined) throw new Error(`no ${name}`);
  const data = seccompDataFor(nr, args, AUDIT_ARCH.AUDIT_ARCH_X86_64);
  return formatAction(interpretResolved(resolvedText(policyText), data));
}

function importError(text: string): FormatError {
  try {
    importSystemdUnit(text);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

const ALLOW_LIST = `version: 1
name: web server
linux:
  no_new_privs: true
  rlimits: { nofile: { soft: 1024, hard: 4096 }, core: 0, as: unlimited }
  capabilities: { keep: [NET_BIND_SERVICE] }
  namespaces: [net, ipc]
  seccomp:
    arch: [x86_64, i386]
    default: errno EPERM
    rules:
      - allow: ["@default", "@basic-io", "@io-event", "@network-io", openat, fstat, newfstatat]
`;

const DENY_LIST = `version: 1
linux:
  no_new_privs: false
  seccomp:
    arch: [x86_64]
    default: allow
    rules:
      - errno: EACCES
        syscalls: [open, openat]
      - action: kill-process
        syscalls: [ptrace, "@mount"]
      - errno: EPERM
        syscalls: ["@swap", reboot]
`;

describe('systemd export', () => {
  it('writes an allow list with group names, the errno, arches, limits and capabilities', () => {
    const { text, warnings } = exported(ALLOW_LIST);
    expect(warnings).toEqual([]);
    expect(text).toContain('[Service]\n');
    expect(text).toContain('NoNewPrivileges=yes');
    expect(text).toContain('SystemCallArchitectures=x86-64 x86');
    expect(text).toMatch(
      /SystemCallFilter=@default @network-io @basic-io @io-event|SystemCallFilter=@/,
    );
    expect(text).toMatch(/SystemCallFilter=.*@basic-io/);
    expect(text).toContain('SystemCallErrorNumber=EPERM');
    expect(text).toContain('LimitNOFILE=1024:4096');
    expect(text).toContain('LimitAS=infinity');
    expect(text).toContain('CapabilityBoundingSet=CAP_NET_BIND_SERVICE');
    expect(text).toContain('PrivateNetwork=yes');
    expect(text).toContain('PrivateIPC=yes');
    // unshare, clone, setns are not allowed at all: RestrictNamespaces= would add nothing.
    expect(text).not.toContain('RestrictNamespaces');
  });

  it('writes a deny list with an errno or kill per syscall', () => {
    const { text, warnings } = exported(DENY_LIST);
    expect(warnings).toEqual([]);
    expect(text).toContain('NoNewPrivileges=no');
    expect(text).toMatch(/SystemCallFilter=~.*open:EACCES/);
    expect(text).toMatch(/SystemCallFilter=~.*@mount:kill/);
    expect(text).toMatch(/SystemCallFilter=~.*ptrace:kill/);
    expect(text).toMatch(/SystemCallFilter=~.*@swap:EPERM/);
    expect(text).not.toContain('SystemCallErrorNumber');
  });

  it('reports what systemd cannot express, at the rule', () => {
    const { warnings } = exported(openssh);
    const at = (pattern: RegExp) =>
      warnings.find((w) => pattern.test(w.message))?.range?.start.line;
    expect(at(/^ioctl: systemd cannot filter arguments/)).toBe(78);
    expect(at(/^openat: .*errno EACCES becomes kill-process/)).toBe(24);
    expect(at(/always allows @default/)).toBeGreaterThan(0);
    const trap = exported(
      'version: 1\nlinux:\n  seccomp:\n    default: allow\n    rules:\n      - action: trap\n        syscalls: [kill]\n',
    );
    expect(trap.warnings).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/kill: systemd cannot trap/) }),
    ]);
    expect(trap.warnings[0]?.range?.start.line).toBe(6);
    expect(trap.text).toContain('SystemCallFilter=~kill:kill');
  });

  it('leaves conditionally allowed syscalls out, or in when asked', () => {
    expect(exported(openssh).text).not.toMatch(/SystemCallFilter=.*\bioctl\b/);
    const allowed = exported(openssh, { conditional: 'allow' });
    expect(allowed.text).toMatch(/SystemCallFilter=.*\bioctl\b/);
    expect(
      allowed.warnings.some((w) => /ioctl: .*allowed with any arguments/.test(w.message)),
    ).toBe(true);
  });
});

describe('systemd round trip: export → import', () => {
  it('gives back an equivalent allow-list policy and its layers', () => {
    const back = roundTrip(ALLOW_LIST);
    expect(back).toContain('nofile: { soft: 1024, hard: 4096 }');
    expect(back).toContain('keep: [CAP_NET_BIND_SERVICE]');
    expect(back).toContain('namespaces: [net, ipc]');
    expect(firstDifference(resolvedText(ALLOW_LIST), resolvedText(back))).toBeUndefined();
  });

  it('gives back an equivalent deny-list policy', () => {
    const back = roundTrip(DENY_LIST);
    expect(back).toContain('"@mount"');
    expect(firstDifference(resolvedText(DENY_LIST), resolvedText(back))).toBeUndefined();
  });
});

describe('systemd import', () => {
  it('follows the order and merging rules of SystemCallFilter= and SystemCallLog=', () => {
    const unit = `[Unit]
Description=demo

[Service]
ExecStart=/usr/bin/demo
SystemCallFilter=@basic-io @file-system \\
  getpid
SystemCallFilter=~write:EACCES
SystemCallErrorNumber=EACCES
SystemCallLog=read
SystemCallArchitectures=native
`;
    const { policyText, warnings } = importSystemdUnit(unit, { source: 'demo.service' });
    // In an allow list a removed syscall gets the common default; its own errno is dropped.
    expect(warnings.map((w) => [w.range?.start.line, w.message])).toEqual([
      [8, expect.stringContaining('cannot give a syscall its own errno')],
    ]);
    expect(policyText).toContain('default: errno EACCES');
    expect(policyText).toContain('arch: [x86_64]');
    expect(verdictOf(policyText, 'read')).toBe('log');
    expect(verdictOf(policyText, 'write')).toBe('errno EACCES');
    expect(verdictOf(policyText, 'openat')).toBe('allow');
    expect(verdictOf(policyText, 'getpid')).toBe('allow');
    expect(verdictOf(policyText, 'execve')).toBe('allow'); // @default
    expect(verdictOf(policyText, 'ptrace')).toBe('errno EACCES');
  });

  it('turns RestrictNamespaces= into argument rules on unshare, clone, setns and clone3', () => {
    const unit = '[Service]\nRestrictNamespaces=ipc uts\n';
    const { policyText } = importSystemdUnit(unit);
    const flag = (name: string) => constantValue('x86_64', name) ?? 0n;
    expect(verdictOf(policyText, 'unshare', [flag('CLONE_NEWNET')])).toBe('errno EPERM');
    expect(verdictOf(policyText, 'unshare', [flag('CLONE_NEWIPC')])).toBe('allow');
    expect(verdictOf(policyText, 'clone', [flag('CLONE_NEWUSER') | 17n])).toBe('errno EPERM');
    expect(verdictOf(policyText, 'clone', [17n])).toBe('allow');
    expect(verdictOf(policyText, 'setns', [3n, 0n])).toBe('errno EPERM');
    expect(verdictOf(policyText, 'setns', [3n, flag('CLONE_NEWUTS')])).toBe('allow');
    expect(verdictOf(policyText, 'clone3')).toBe('errno ENOSYS');
    const all = importSystemdUnit('[Service]\nRestrictNamespaces=yes\n').policyText;
    expect(verdictOf(all, 'setns', [3n, flag('CLONE_NEWUTS')])).toBe('errno EPERM');
  });

  it('reads limits in systemd units and capability set merging', () => {
    const unit = `[Service]
LimitCPU=2min
LimitRTTIME=5ms
LimitSTACK=8M:16M
LimitNICE=+5
CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_CHOWN
CapabilityBoundingSet=~CAP_CHOWN
AmbientCapabilities=CAP_NET_RAW
User=www-data
ProtectSystem=strict
`;
    const { policyText, warnings } = importSystemdUnit(unit);
    expect(policyText).toContain('cpu: 120');
    expect(policyText).toContain('rttime: 5000');
    expect(policyText).toContain('stack: { soft: 8388608, hard: 16777216 }');
    expect(policyText).toContain('nice: 15');
    expect(policyText).toContain('ambient: [CAP_NET_RAW]');
    expect(policyText).toContain('bounding: [CAP_NET_ADMIN, CAP_NET_RAW]');
    expect(policyText).toContain('user: "www-data"');
    expect(warnings).toEqual([
      expect.objectContaining({ message: 'ProtectSystem= is not imported' }),
    ]);
    expect(warnings[0]?.range?.start.line).toBe(10);
  });

  it('reports malformed units with their location', () => {
    expect(importError('[Service]\nNoNewPrivileges\n').range?.start.line).toBe(2);
    expect(importError('NoNewPrivileges=yes\n').message).toMatch(/before any \[Section\]/);
    expect(importError('[Service\nA=b\n').range?.start.line).toBe(1);
    const errno = importError('[Service]\n\nSystemCallErrorNumber=EWHAT\n');
    expect(errno.range?.start).toMatchObject({ line: 3, column: 23 });
    expect(importError('[Service]\nLimitNOFILE=lots\n').range?.start.line).toBe(2);
    expect(importError('[Service]\nNoNewPrivileges=perhaps\n').message).toContain('yes or no');
    expect(importError('[Service]\nRestrictNamespaces=ipc time\n').message).toContain('time');
    expect(importError('[Unit]\nDescription=x\n').message).toContain('[Service]');
  });

  it('warns about names and groups systemd would ignore', () => {
    const { warnings } = importSystemdUnit(
      '[Service]\nSystemCallFilter=read frobnicate @nothing\n',
    );
    expect(warnings.map((w) => [w.range?.start.line, w.message])).toEqual([
      [2, expect.stringContaining('frobnicate')],
      [2, expect.stringContaining('@nothing')],
    ]);
  });
});

describe('systemd export: names systemd does not know', () => {
  it('warns that systemd would ignore them', () => {
    const { text, warnings } = exported(
      'version: 1\nlinux:\n  seccomp:\n    default: errno EPERM\n    rules:\n      - allow: [read, uselib]\n',
    );
    expect(text).not.toContain('uselib');
    expect(warnings).toHaveLength(2);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: expect.stringContaining('does not know uselib') }),
        expect.objectContaining({ message: expect.stringContaining('@default') }),
      ]),
    );
  });
});
