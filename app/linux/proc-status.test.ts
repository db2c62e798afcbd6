import { describe, expect, it } from 'vitest';
import {
  capabilityBits,
  capabilityHex,
  capabilityNames,
  parseProcStatus,
  type ProcStatusResult,
} from './proc-status';

/**
 * /proc/self/status of a C program on the project's machine (Linux 6.18) after it set
 * no_new_privs, dropped CAP_SYS_ADMIN from its bounding set, kept CAP_CHOWN and
 * CAP_NET_BIND_SERVICE with capset and installed two seccomp filters (memory lines left out).
 */
const SANDBOXED =
  'Name:\tst\n' +
  'Umask:\t0022\n' +
  'State:\tR (running)\n' +
  'Tgid:\t9828\n' +
  'Ngid:\t0\n' +
  'Pid:\t9828\n' +
  'PPid:\t9826\n' +
  'TracerPid:\t0\n' +
  'Uid:\t0\t0\t0\t0\n' +
  'Gid:\t0\t0\t0\t0\n' +
  'FDSize:\t256\n' +
  'Groups:\t \n' +
  'NStgid:\t9828\n' +
  'NSpid:\t9828\n' +
  'NSpgid:\t9826\n' +
  'NSsid:\t28911\n' +
  'Kthread:\t0\n' +
  'CoreDumping:\t0\n' +
  'THP_enabled:\t1\n' +
  'untag_mask:\t0xffffffffffffffff\n' +
  'Threads:\t1\n' +
  'SigQ:\t1/96365\n' +
  'SigPnd:\t0000000000000000\n' +
  'ShdPnd:\t0000000000000000\n' +
  'SigBlk:\t0000000000000000\n' +
  'SigIgn:\t0000000000000000\n' +
  'SigCgt:\t0000000000000000\n' +
  'CapInh:\t0000000000000000\n' +
  'CapPrm:\t0000000000000401\n' +
  'CapEff:\t0000000000000401\n' +
  'CapBnd:\t000001fffedfffff\n' +
  'CapAmb:\t0000000000000000\n' +
  'NoNewPrivs:\t1\n' +
  'Seccomp:\t2\n' +
  'Seccomp_filters:\t2\n' +
  'Speculation_Store_Bypass:\tvulnerable\n' +
  'SpeculationIndirectBranch:\talways enabled\n' +
  'Cpus_allowed:\t3\n' +
  'Cpus_allowed_list:\t0-1\n' +
  'Mems_allowed_list:\t0\n' +
  'voluntary_ctxt_switches:\t0\n' +
  'nonvoluntary_ctxt_switches:\t8\n';

function status(result: ProcStatusResult) {
  if (!result.ok) throw new Error(result.error.message);
  return result.status;
}

describe('parseProcStatus', () => {
  it('reads the sandbox state of a real sandboxed process', () => {
    expect(status(parseProcStatus(SANDBOXED))).toEqual({
      name: 'st',
      tgid: 9828,
      tid: 9828,
      uid: { real: 0, effective: 0, saved: 0, filesystem: 0 },
      gid: { real: 0, effective: 0, saved: 0, filesystem: 0 },
      capabilities: {
        inheritable: 0n,
        permitted: 0x401n,
        effective: 0x401n,
        bounding: 0x1fffedfffffn,
        ambient: 0n,
      },
      noNewPrivs: true,
      seccomp: 'filter',
      seccompFilters: 2,
    });
  });

  it('leaves out what older kernels do not show', () => {
    const old = SANDBOXED.replace(/^(CapAmb|NoNewPrivs|Seccomp_filters|Uid|Gid):.*\n/gm, '');
    const parsed = status(parseProcStatus(old));
    expect(parsed.capabilities.ambient).toBeUndefined();
    expect(parsed.noNewPrivs).toBeUndefined();
    expect(parsed.seccompFilters).toBeUndefined();
    expect(parsed.uid).toBeUndefined();
    expect(parsed.seccomp).toBe('filter');
  });

  it.each([
    ['Seccomp:\t0', 'disabled'],
    ['Seccomp:\t1', 'strict'],
  ])('reads %j as %s', (line, mode) => {
    expect(status(parseProcStatus(SANDBOXED.replace('Seccomp:\t2', line))).seccomp).toBe(mode);
  });

  it.each([
    ['CapEff:\t0000000000000401', 'CapEff:\t401', 'CapEff "401" is not 16 hex digits', 'CapEff'],
    ['Seccomp:\t2', 'Seccomp:\t7', 'Seccomp mode 7 is unknown', 'Seccomp:'],
    ['NoNewPrivs:\t1', 'NoNewPrivs:\t2', 'NoNewPrivs is 2, not 0 or 1', 'NoNewPrivs'],
    ['Tgid:\t9828', 'Tgid:\tx', 'Tgid "x" is not a number', 'Tgid'],
    ['Uid:\t0\t0\t0\t0', 'Uid:\t0\t0', 'Uid "0\t0" is not four ids', 'Uid'],
  ])('locates a malformed line (%j → %j)', (from, to, message, key) => {
    const text = SANDBOXED.replace(from, to);
    const result = parseProcStatus(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(message);
    const line = text.split('\n')[result.error.line - 1] ?? '';
    expect(line.startsWith(key)).toBe(true);
    expect(line.slice(result.error.column - 1)).toBe(to.slice(to.indexOf('\t') + 1));
  });

  it('requires the capability sets', () => {
    const result = parseProcStatus(SANDBOXED.replace(/^CapBnd:.*\n/m, ''));
    expect(result.ok || result.error.message).toBe('the status has no "CapBnd:" line');
  });

  it('rejects text that is not a status file', () => {
    expect(parseProcStatus('').ok).toBe(false);
    expect(parseProcStatus('hello world\n').ok).toBe(false);
  });
});

describe('capability masks', () => {
  it('lists bits and names them from the kernel headers', () => {
    expect(capabilityBits(0x401n)).toEqual([0, 10]);
    expect(capabilityNames(0x401n)).toEqual(['CAP_CHOWN', 'CAP_NET_BIND_SERVICE']);
  });

  it('names unknown high bits by number', () => {
    expect(capabilityNames(1n << 63n)).toEqual(['cap_63']);
  });

  it('formats masks the way /proc does', () => {
    expect(capabilityHex(0x1fffedfffffn)).toBe('000001fffedfffff');
    expect(capabilityHex(0n)).toBe('0000000000000000');
  });
});
