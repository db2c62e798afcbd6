import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECCOMP } from '../linux/constants';
import {
  auditAction,
  classifyKmsgRecord,
  describeAuditRecord,
  type KmsgClassification,
} from './audit-record';
import { parseKmsgRecord } from './kmsg-record';

/**
 * Records captured from /dev/kmsg on the project's machine (Linux 6.18, x86_64, root, no audit
 * daemon). The C program installed, with SECCOMP_FILTER_FLAG_LOG, `uname → errno EPERM` and
 * `getppid → <action>`, then called both.
 */
const REAL = {
  errnoEperm:
    '5,542,9837998107,-;audit: type=1326 audit(1795444847.802:1228): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=31724 comm="f" exe="/tmp/obs/f" sig=0 arch=c000003e syscall=63 compat=0 ip=0x7fd059340b07 code=0x50000',
  killThread:
    '5,543,9837998237,-;audit: type=1326 audit(1795444847.802:1229): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=31724 comm="f" exe="/tmp/obs/f" sig=31 arch=c000003e syscall=110 compat=0 ip=0x7fd05936e829 code=0x0',
  killProcess:
    '5,537,9760885020,-;audit: type=1326 audit(1795444770.690:1223): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=30472 comm="f" exe="/tmp/obs/f" sig=31 arch=c000003e syscall=110 compat=0 ip=0x7fcf9429a829 code=0x80000000',
  trap: '5,533,9760882319,-;audit: type=1326 audit(1795444770.686:1219): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=30470 comm="f" exe="/tmp/obs/f" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7f5499be1829 code=0x30000',
  log: '5,531,9760881033,-;audit: type=1326 audit(1795444770.686:1217): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=30469 comm="f" exe="/tmp/obs/f" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7f49277d1829 code=0x7ffc0000',
  /** A program named "my prog": the space makes the kernel log comm and exe as hex. */
  hexNames:
    '5,541,9837997086,-;audit: type=1326 audit(1795444847.802:1227): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=31723 comm=6D792070726F67 exe=2F746D702F6F62732F6D792070726F67 sig=31 arch=c000003e syscall=110 compat=0 ip=0x7f85c0526829 code=0x80000000',
  /** An i386 (int $0x80) syscall from a 64-bit process: compat=1, AUDIT_ARCH_I386. */
  i386: '5,464,5465489566,-;audit: type=1326 audit(1795440475.290:704): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=25751 comm="run-filtered-sy" exe="/tmp/seccomp-probe-JsAGLR/run-filtered-syscall" sig=0 arch=40000003 syscall=64 compat=1 ip=0x556b9995f581 code=0x7ffc0000',
  /** An x32 syscall: AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in the number (getpid). */
  x32: '5,345,2619132163,-;audit: type=1326 audit(1795437628.930:2): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=18501 comm="k" exe="/tmp/kcheck/k" sig=31 arch=c000003e syscall=1073741863 compat=0 ip=0x7f8c2866f829 code=0x80000000',
  suppressed: '4,527,9760879691,-;kauditd_printk_skb: 824 callbacks suppressed',
  bootAudit:
    '5,169,266329,-;audit: type=2000 audit(1795147543.105:1): state=initialized audit_enabled=0 res=1',
  other:
    '6,518,9511182126,-;traps: run-filtered-sy[24803] trap invalid opcode ip:557183b6b5af sp:7ffefbe7afc0 error:0 in run-filtered-syscall[15af,557183b6b000+1000]',
} as const;

function classify(line: string): KmsgClassification {
  const parsed = parseKmsgRecord(line);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return classifyKmsgRecord(parsed.record);
}

function seccompRecord(line: string) {
  const result = classify(line);
  if (result.kind !== 'seccomp') throw new Error(`not a seccomp record: ${JSON.stringify(result)}`);
  return result.record;
}

describe('classifyKmsgRecord on real records', () => {
  it('reads every field of a kill-process record', () => {
    expect(seccompRecord(REAL.killProcess)).toEqual({
      seq: 537,
      timestampUs: 9760885020,
      auditTimeMs: 1795444770690,
      auditSerial: 1223,
      pid: 30472,
      uid: 0,
      gid: 0,
      auid: 4294967295,
      ses: 4294967295,
      comm: 'f',
      exe: '/tmp/obs/f',
      signal: 31,
      signalName: 'SIGSYS',
      auditArch: 0xc000003e,
      arch: 'x86_64',
      nr: 110,
      syscall: 'getppid',
      compat: false,
      ip: 0x7fcf9429a829n,
      code: 0x80000000,
      action: { kind: 'kill-process', recognized: true, text: 'kill-process' },
    });
  });

  it.each([
    ['errnoEperm', 'uname', 'errno', 0],
    ['killThread', 'getppid', 'kill-thread', 31],
    ['trap', 'getppid', 'trap', 0],
    ['log', 'getppid', 'log', 0],
  ] as const)('decodes the %s record', (key, syscall, kind, signal) => {
    const record = seccompRecord(REAL[key]);
    expect(record.syscall).toBe(syscall);
    expect(record.action.kind).toBe(kind);
    expect(record.signal).toBe(signal);
    expect(record.signalName).toBe(signal === 0 ? undefined : 'SIGSYS');
  });

  it('logs errno without its number (code holds the action bits only)', () => {
    const record = seccompRecord(REAL.errnoEperm);
    expect(record.code).toBe(SECCOMP.SECCOMP_RET_ERRNO);
    expect(record.action.text).toBe('errno');
  });

  it('decodes hex-encoded comm and exe', () => {
    const record = seccompRecord(REAL.hexNames);
    expect(record.comm).toBe('my prog');
    expect(record.exe).toBe('/tmp/obs/my prog');
  });

  it('names i386 syscalls made by a 64-bit process', () => {
    const record = seccompRecord(REAL.i386);
    expect(record).toMatchObject({ arch: 'i386', nr: 64, syscall: 'getppid', compat: true });
    expect(record.action.kind).toBe('log');
  });

  it('tells x32 from x86_64 by the syscall number', () => {
    expect(seccompRecord(REAL.x32)).toMatchObject({ arch: 'x32', syscall: 'getpid' });
  });

  it('reports the rate limit notice with its count', () => {
    expect(classify(REAL.suppressed)).toEqual({ kind: 'suppressed', count: 824 });
  });

  it('ignores other audit types and other messages', () => {
    expect(classify(REAL.bootAudit)).toEqual({ kind: 'other' });
    expect(classify(REAL.other)).toEqual({ kind: 'other' });
  });
});

describe('classifyKmsgRecord on unusual records', () => {
  const base =
    '5,1,2,-;audit: type=1326 audit(1.000:3): auid=0 uid=0 gid=0 ses=1 subj=unconfined pid=7 comm="a b" exe=(null) sig=0 arch=c000003e syscall=999 compat=0 ip=0x0 code=0x7ff00000';

  it('keeps the LSM label, a missing executable and unknown syscall numbers', () => {
    const record = seccompRecord(base);
    expect(record.subj).toBe('unconfined');
    expect(record.exe).toBeUndefined();
    expect(record.syscall).toBe('nr_999');
    expect(record.action.kind).toBe('trace');
  });

  it('gives unknown arches a number name and no arch', () => {
    const record = seccompRecord(base.replace('arch=c000003e', 'arch=80000016'));
    expect(record.arch).toBeUndefined();
    expect(record.syscall).toBe('nr_999');
  });

  it('keeps the kernel words for exe paths it could not resolve', () => {
    expect(seccompRecord(base.replace('exe=(null)', 'exe=<too_long>')).exe).toBe('<too_long>');
  });

  it('shows undecodable hex names as escapes', () => {
    expect(seccompRecord(base.replace('comm="a b"', 'comm=61FF')).comm).toBe('a\\xff');
  });

  it('reports an unknown action as the kill-process the kernel applies', () => {
    const record = seccompRecord(base.replace('code=0x7ff00000', 'code=0x10000'));
    expect(record.action).toEqual({
      kind: 'kill-process',
      recognized: false,
      text: 'kill-process (unknown action 0x10000)',
    });
  });

  it.each([
    ['pid=7 ', 'pid=x ', 'pid=x is not a decimal number'],
    ['arch=c000003e', 'arch=zz', 'arch=zz is not a hex number'],
    ['ip=0x0', 'ip=12', 'ip=12 is not a 64-bit hex number'],
    [' code=0x7ff00000', '', 'the record has no code='],
    ['comm="a b"', 'comm="a b', 'expected key=value'],
  ])('locates a malformed field (%s → %s)', (from, to, message) => {
    const line = base.replace(from, to);
    const result = classify(line);
    expect(result.kind).toBe('malformed');
    if (result.kind !== 'malformed') return;
    expect(result.error.message).toBe(message);
    const message0 = line.slice(line.indexOf(';') + 1);
    if (to !== '' && !message.startsWith('expected')) {
      expect(message0.slice(result.error.column - 1)).toMatch(new RegExp(`^${to.split('=')[1]}`));
    }
  });

  it('never throws on arbitrary field values', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        classify(`5,1,2,-;audit: type=1326 audit(1.000:3): pid=${a} comm=${b} sig=0`);
      }),
    );
  });
});

describe('auditAction', () => {
  it.each([
    [SECCOMP.SECCOMP_RET_KILL_PROCESS, 'kill-process'],
    [SECCOMP.SECCOMP_RET_KILL_THREAD, 'kill-thread'],
    [SECCOMP.SECCOMP_RET_TRAP, 'trap'],
    [SECCOMP.SECCOMP_RET_ERRNO, 'errno'],
    [SECCOMP.SECCOMP_RET_USER_NOTIF, 'notify'],
    [SECCOMP.SECCOMP_RET_TRACE, 'trace'],
    [SECCOMP.SECCOMP_RET_LOG, 'log'],
    [SECCOMP.SECCOMP_RET_ALLOW, 'allow'],
  ])('decodes 0x%s', (code, kind) => {
    expect(auditAction(code)).toEqual({ kind, recognized: true, text: kind });
  });
});

describe('describeAuditRecord', () => {
  it('says what happened in one line', () => {
    expect(describeAuditRecord(seccompRecord(REAL.killProcess))).toBe(
      'kill-process getppid (x86_64) in pid 30472 "f", SIGSYS',
    );
    expect(describeAuditRecord(seccompRecord(REAL.errnoEperm))).toBe(
      'errno uname (x86_64) in pid 31724 "f"',
    );
  });
});
