import { describe, expect, it } from 'vitest';
import { describePosture, parseLimits, type ProcessPosture } from './posture';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max open files            64                   64                   files     
Max processes             0                    0                    processes 
`;

describe('parseLimits', () => {
  it('reads the fixed-width columns of /proc/PID/limits', () => {
    expect(parseLimits(LIMITS)).toEqual([
      { name: 'Max cpu time', soft: 'unlimited', hard: 'unlimited', unit: 'seconds' },
      { name: 'Max open files', soft: '64', hard: '64', unit: 'files' },
      { name: 'Max processes', soft: '0', hard: '0', unit: 'processes' },
    ]);
  });
  it('gives nothing for text that is not a limits file', () => {
    expect(parseLimits('garbage')).toEqual([]);
  });
});

describe('describePosture', () => {
  const posture: ProcessPosture = {
    pid: 42,
    command: '/usr/sbin/sshd -D',
    threads: [
      {
        name: 'sshd',
        tgid: 42,
        tid: 42,
        capabilities: {
          inheritable: 0n,
          permitted: 1n << 10n,
          effective: 1n << 10n,
          bounding: (1n << 41n) - 1n,
          ambient: 0n,
        },
        noNewPrivs: true,
        seccomp: 'filter',
        seccompFilters: 2,
      },
    ],
    limits: parseLimits(LIMITS),
    namespaces: [
      { kind: 'net', id: 'net:[1]', separate: true },
      { kind: 'pid', id: 'pid:[2]', separate: false },
    ],
    dumpable: false,
    lsms: ['lockdown', 'capability', 'landlock'],
  };
  it('says what is restricted, and what cannot be seen', () => {
    const lines = describePosture(posture);
    expect(lines[0]).toBe('process 42: /usr/sbin/sshd -D');
    expect(lines[1]).toContain('seccomp filter with 2 filter(s), no_new_privs on');
    expect(lines[2]).toContain('effective CAP_NET_BIND_SERVICE');
    expect(lines).toContain('dumpable: no');
    expect(lines).toContain('namespaces: own net');
    expect(lines).toContain('rlimits: Max open files 64/64; Max processes 0/0');
    expect(lines).toContain('Yama ptrace scope: Yama is not built into this kernel');
    expect(lines.at(-1)).toMatch(/^Landlock: enabled/);
  });
});
