import { decodeReturnValue } from '../bpf/actions';
import { archForAudit } from '../linux/arches';
import { signalName } from '../linux/signals';
import { displaySyscallName, type Arch } from '../linux/syscalls';
import type { SeccompAction } from '../policy/model';
import { bytesToText, type KmsgRecord } from './kmsg-record';

/**
 * The seccomp audit record the kernel prints to the kernel log when no audit daemon listens
 * (kernel/auditsc.c `audit_seccomp` → kernel/audit.c `kauditd_printk_skb`):
 *
 *   audit: type=1326 audit(SECONDS.MS:SERIAL): auid=… uid=… gid=… ses=… [subj=…] pid=N
 *     comm="…" exe="…" sig=N arch=c000003e syscall=N compat=0|1 ip=0x… code=0x…
 *
 * Measured on Linux 6.18: `code` is the action alone (`SECCOMP_RET_ACTION_FULL` bits; an
 * `errno EACCES` verdict is logged as `code=0x50000`), `sig` is 31 (SIGSYS) for the kill actions
 * and 0 otherwise, and `pid` is the thread-group id, not the thread. comm/exe are quoted, or
 * upper-case hex when they contain a space, a quote or a byte outside 0x21..0x7e.
 */

/**
 * AUDIT_SECCOMP from include/uapi/linux/audit.h. The generated tables hold only AUDIT_ARCH_*;
 * the kmsg-audit integration test checks this value against the installed header.
 */
export const AUDIT_SECCOMP_TYPE = 1326;

export interface AuditAction {
  readonly kind: SeccompAction['kind'];
  /** False when the action bits name no action (the kernel then kills the process). */
  readonly recognized: boolean;
  /** `kill-process`, `errno`, …: the kernel does not log errno numbers or trap/trace data. */
  readonly text: string;
}

export interface SeccompAuditRecord {
  /** The kmsg sequence number and monotonic timestamp of the record. */
  readonly seq: number;
  readonly timestampUs: number;
  /** The audit event's wall-clock time (ms since the epoch) and serial number. */
  readonly auditTimeMs: number;
  readonly auditSerial: number;
  /** The thread group (process) id, in the initial pid namespace. */
  readonly pid: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly auid?: number;
  readonly ses?: number;
  /** The LSM label, when an LSM is active. */
  readonly subj?: string;
  readonly comm?: string;
  /** Absent when the process had no executable (`exe=(null)`: kernel threads, exiting mm). */
  readonly exe?: string;
  /** The signal the action delivers (31 = SIGSYS for the kill actions), 0 for none. */
  readonly signal: number;
  readonly signalName?: string;
  readonly auditArch: number;
  /** Our name for the ABI; undefined for arches the studio has no tables for. */
  readonly arch?: Arch;
  /** The syscall number as the filter saw it (x32 numbers include __X32_SYSCALL_BIT). */
  readonly nr: number;
  /** The syscall name, or `nr_N` when the tables do not know it. */
  readonly syscall: string;
  readonly compat: boolean;
  readonly ip: bigint;
  readonly code: number;
  readonly action: AuditAction;
}

/** A malformed type=1326 message: what and where (1-based column in the kmsg message). */
export interface AuditParseError {
  readonly message: string;
  readonly column: number;
}

export type KmsgClassification =
  | { readonly kind: 'seccomp'; readonly record: SeccompAuditRecord }
  /** printk's rate limit dropped this many audit messages (of any process) before this point. */
  | { readonly kind: 'suppressed'; readonly count: number }
  | { readonly kind: 'malformed'; readonly error: AuditParseError }
  | { readonly kind: 'other' };

const SUPPRESSED = /^kauditd_printk_skb: (\d+) callbacks suppressed/;
const PREFIX = /^audit: type=(\d+) audit\((\d+)\.(\d{3}):(\d+)\): /;

interface Field {
  readonly value: string;
  readonly quoted: boolean;
  readonly column: number;
}

function fieldsOf(text: string, offset: number): Map<string, Field> | AuditParseError {
  const fields = new Map<string, Field>();
  const pattern = /([a-z_]+)=("[^"]*"|\S*)(?: |$)/gy;
  let match: RegExpExecArray | null;
  pattern.lastIndex = 0;
  while (pattern.lastIndex < text.length) {
    const at = pattern.lastIndex;
    match = pattern.exec(text);
    if (!match) return { message: 'expected key=value', column: offset + at + 1 };
    const [, key = '', raw = ''] = match;
    const quoted = raw.startsWith('"');
    const value = quoted ? raw.slice(1, -1) : raw;
    fields.set(key, { value, quoted, column: offset + at + key.length + 2 });
  }
  return fields;
}

/** An audit "untrusted string": quoted text, upper-case hex of the bytes, or `(null)`. */
function untrustedString(field: Field | undefined): string | undefined {
  if (!field) return undefined;
  if (field.quoted) return field.value;
  if (field.value === '(null)') return undefined;
  if (/^(?:[0-9A-F]{2})+$/.test(field.value)) {
    return bytesToText(field.value.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? []);
  }
  return field.value; // `<no_memory>`, `<too_long>`: keep the kernel's words
}

type IntResult = { readonly value: number } | { readonly error: AuditParseError };

function integerField(fields: Map<string, Field>, key: string, radix: 10 | 16): IntResult {
  const field = fields.get(key);
  if (!field) return { error: { message: `the record has no ${key}=`, column: 1 } };
  const text = radix === 16 ? field.value.replace(/^0x/, '') : field.value;
  const valid = radix === 16 ? /^[0-9a-fA-F]{1,8}$/.test(text) : /^-?\d{1,15}$/.test(text);
  if (!valid) {
    const message = `${key}=${field.value} is not a ${radix === 16 ? 'hex' : 'decimal'} number`;
    return { error: { message, column: field.column } };
  }
  return { value: radix === 16 ? parseInt(text, 16) >>> 0 : Number(text) };
}

function optionalNumber(fields: Map<string, Field>, key: string): number | undefined {
  const text = fields.get(key)?.value;
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

function bigHex(fields: Map<string, Field>, key: string): bigint | AuditParseError {
  const field = fields.get(key);
  if (!field) return { message: `the record has no ${key}=`, column: 1 };
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(field.value)) {
    return { message: `${key}=${field.value} is not a 64-bit hex number`, column: field.column };
  }
  return BigInt(field.value);
}

/** The kernel's action for a logged `code` (action bits only; see the note above). */
export function auditAction(code: number): AuditAction {
  const decoded = decodeReturnValue(code);
  const text = decoded.recognized
    ? decoded.kind
    : `kill-process (unknown action 0x${(code >>> 0).toString(16)})`;
  return { kind: decoded.kind, recognized: decoded.recognized, text };
}

interface Header {
  readonly seq: number;
  readonly timestampUs: number;
}

interface RequiredFields {
  readonly pid: number;
  readonly sig: number;
  readonly arch: number;
  readonly syscall: number;
  readonly code: number;
  readonly ip: bigint;
}

function requiredFields(fields: Map<string, Field>): RequiredFields | AuditParseError {
  const values: Record<string, number> = {};
  for (const [key, radix] of [
    ['pid', 10],
    ['sig', 10],
    ['arch', 16],
    ['syscall', 10],
    ['code', 16],
  ] as const) {
    const result = integerField(fields, key, radix);
    if ('error' in result) return result.error;
    values[key] = result.value;
  }
  const ip = bigHex(fields, 'ip');
  if (typeof ip !== 'bigint') return ip;
  const { pid = 0, sig = 0, arch = 0, syscall = 0, code = 0 } = values;
  return { pid, sig, arch, syscall, code, ip };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as Partial<T>;
}

function buildRecord(
  header: Header,
  prefix: RegExpExecArray,
  fields: Map<string, Field>,
): SeccompAuditRecord | AuditParseError {
  const required = requiredFields(fields);
  if ('message' in required) return required;
  const arch = archForAudit(required.arch, required.syscall);
  const optional = definedOnly({
    uid: optionalNumber(fields, 'uid'),
    gid: optionalNumber(fields, 'gid'),
    auid: optionalNumber(fields, 'auid'),
    ses: optionalNumber(fields, 'ses'),
    subj: fields.get('subj')?.value,
    comm: untrustedString(fields.get('comm')),
    exe: untrustedString(fields.get('exe')),
    signalName: required.sig === 0 ? undefined : signalName(required.sig),
    arch,
  });
  return {
    seq: header.seq,
    timestampUs: header.timestampUs,
    auditTimeMs: Number(prefix[2]) * 1000 + Number(prefix[3]),
    auditSerial: Number(prefix[4]),
    pid: required.pid,
    ...optional,
    signal: required.sig,
    auditArch: required.arch,
    nr: required.syscall,
    syscall: arch ? displaySyscallName(arch, required.syscall) : `nr_${required.syscall}`,
    compat: fields.get('compat')?.value === '1',
    ip: required.ip,
    code: required.code,
    action: auditAction(required.code),
  };
}

/** What a kmsg record is to the enforce-mode follower. */
export function classifyKmsgRecord(record: KmsgRecord): KmsgClassification {
  const suppressed = SUPPRESSED.exec(record.message);
  if (suppressed) return { kind: 'suppressed', count: Number(suppressed[1]) };
  const prefix = PREFIX.exec(record.message);
  if (!prefix || Number(prefix[1]) !== AUDIT_SECCOMP_TYPE) return { kind: 'other' };
  const fields = fieldsOf(record.message.slice(prefix[0].length), prefix[0].length);
  if (!(fields instanceof Map)) return { kind: 'malformed', error: fields };
  const built = buildRecord(record, prefix, fields);
  return 'message' in built
    ? { kind: 'malformed', error: built }
    : { kind: 'seccomp', record: built };
}

/** One line for logs and the CLI: `kill-process getppid (x86_64) in pid 31724 "f", SIGSYS`. */
export function describeAuditRecord(record: SeccompAuditRecord): string {
  const abi = record.arch ?? `audit arch 0x${record.auditArch.toString(16)}`;
  const who = `pid ${record.pid}${record.comm === undefined ? '' : ` "${record.comm}"`}`;
  const signal = record.signalName ? `, ${record.signalName}` : '';
  return `${record.action.text} ${record.syscall} (${abi}) in ${who}${signal}`;
}
