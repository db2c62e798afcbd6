import { capabilityName } from './capabilities';
import { SECCOMP } from './constants';

/**
 * The sandbox-relevant lines of /proc/PID/task/TID/status (fs/proc/array.c): a thread's
 * capability sets, no_new_privs and seccomp state. All of them are per thread: a filter installed
 * without TSYNC, or capabilities dropped by one thread, leave the other threads as they were.
 */

export interface CapabilitySets {
  readonly inheritable: bigint;
  readonly permitted: bigint;
  readonly effective: bigint;
  readonly bounding: bigint;
  /** Absent before Linux 4.3. */
  readonly ambient?: bigint;
}

export type SeccompMode = 'disabled' | 'strict' | 'filter';

export interface IdSet {
  readonly real: number;
  readonly effective: number;
  readonly saved: number;
  readonly filesystem: number;
}

export interface ThreadSandboxStatus {
  readonly name: string;
  readonly tgid: number;
  readonly tid: number;
  readonly uid?: IdSet;
  readonly gid?: IdSet;
  readonly capabilities: CapabilitySets;
  /** Absent before Linux 4.10. */
  readonly noNewPrivs?: boolean;
  /** Absent on kernels built without CONFIG_SECCOMP. */
  readonly seccomp?: SeccompMode;
  /** Filters attached to the thread; absent before Linux 5.9. */
  readonly seccompFilters?: number;
}

export interface ProcStatusError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type ProcStatusResult =
  | { readonly ok: true; readonly status: ThreadSandboxStatus }
  | { readonly ok: false; readonly error: ProcStatusError };

interface Line {
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

const MODES: ReadonlyMap<number, SeccompMode> = new Map([
  [SECCOMP.SECCOMP_MODE_DISABLED, 'disabled'],
  [SECCOMP.SECCOMP_MODE_STRICT, 'strict'],
  [SECCOMP.SECCOMP_MODE_FILTER, 'filter'],
]);

class StatusError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

function linesByKey(text: string): Map<string, Line> {
  const lines = new Map<string, Line>();
  text.split('\n').forEach((raw, index) => {
    const colon = raw.indexOf(':');
    if (colon <= 0) return;
    const rest = raw.slice(colon + 1);
    const padding = rest.length - rest.trimStart().length;
    lines.set(raw.slice(0, colon), {
      value: rest.trim(),
      line: index + 1,
      column: colon + 2 + padding,
    });
  });
  return lines;
}

class StatusReader {
  constructor(private readonly lines: Map<string, Line>) {}

  private get(key: string, required: boolean): Line | undefined {
    const line = this.lines.get(key);
    if (!line && required) throw new StatusError(`the status has no "${key}:" line`, 1, 1);
    return line;
  }

  text(key: string): string {
    return this.get(key, true)?.value ?? '';
  }

  decimal(key: string, required: boolean): number | undefined {
    const line = this.get(key, required);
    if (!line) return undefined;
    if (!/^\d{1,15}$/.test(line.value)) {
      throw new StatusError(`${key} "${line.value}" is not a number`, line.line, line.column);
    }
    return Number(line.value);
  }

  capabilities(key: string, required: boolean): bigint | undefined {
    const line = this.get(key, required);
    if (!line) return undefined;
    if (!/^[0-9a-f]{16}$/.test(line.value)) {
      throw new StatusError(`${key} "${line.value}" is not 16 hex digits`, line.line, line.column);
    }
    return BigInt(`0x${line.value}`);
  }

  ids(key: string): IdSet | undefined {
    const line = this.get(key, false);
    if (!line) return undefined;
    const parts = line.value.split(/\s+/);
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,10}$/.test(p))) {
      throw new StatusError(`${key} "${line.value}" is not four ids`, line.line, line.column);
    }
    const [real = 0, effective = 0, saved = 0, filesystem = 0] = parts.map(Number);
    return { real, effective, saved, filesystem };
  }

  seccompMode(): SeccompMode | undefined {
    const value = this.decimal('Seccomp', false);
    if (value === undefined) return undefined;
    const mode = MODES.get(value);
    const line = this.get('Seccomp', true) as Line;
    if (!mode) throw new StatusError(`Seccomp mode ${value} is unknown`, line.line, line.column);
    return mode;
  }

  flag(key: string): boolean | undefined {
    const value = this.decimal(key, false);
    if (value === undefined || value <= 1) return value === undefined ? undefined : value === 1;
    const line = this.get(key, true) as Line;
    throw new StatusError(`${key} is ${value}, not 0 or 1`, line.line, line.column);
  }
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as T;
}

function read(reader: StatusReader): ThreadSandboxStatus {
  const capabilities = definedOnly({
    inheritable: reader.capabilities('CapInh', true) ?? 0n,
    permitted: reader.capabilities('CapPrm', true) ?? 0n,
    effective: reader.capabilities('CapEff', true) ?? 0n,
    bounding: reader.capabilities('CapBnd', true) ?? 0n,
    ambient: reader.capabilities('CapAmb', false),
  });
  return definedOnly({
    name: reader.text('Name'),
    tgid: reader.decimal('Tgid', true) ?? 0,
    tid: reader.decimal('Pid', true) ?? 0,
    uid: reader.ids('Uid'),
    gid: reader.ids('Gid'),
    capabilities,
    noNewPrivs: reader.flag('NoNewPrivs'),
    seccomp: reader.seccompMode(),
    seccompFilters: reader.decimal('Seccomp_filters', false),
  });
}

/** Parses the text of a status file; a malformed line is an error with its position. */
export function parseProcStatus(text: string): ProcStatusResult {
  try {
    return { ok: true, status: read(new StatusReader(linesByKey(text))) };
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    return { ok: false, error: { message: error.message, line: error.line, column: error.column } };
  }
}

/** The capability numbers set in a mask, ascending. */
export function capabilityBits(mask: bigint): number[] {
  const bits: number[] = [];
  for (let bit = 0; bit < 64; bit++) if ((mask >> BigInt(bit)) & 1n) bits.push(bit);
  return bits;
}

/** `CAP_CHOWN`, …; numbers the headers do not name as `cap_N`. */
export function capabilityNames(mask: bigint): string[] {
  return capabilityBits(mask).map((bit) => capabilityName(bit) ?? `cap_${bit}`);
}

/** A capability mask as the 16 hex digits /proc shows. */
export function capabilityHex(mask: bigint): string {
  return mask.toString(16).padStart(16, '0');
}
