import type { Arch } from '../linux/arches';
import { archInfo } from '../linux/arches';
import { constantValue } from '../linux/arch-constants';
import * as sets from './constant-sets';
import { flagsOf, nameOf, valueOr0, type ConstantSet } from './constant-sets';

/** What a decoder knows besides its own argument: the ABI and the call's other arguments. */
export interface ArgContext {
  readonly arch: Arch;
  /** All six raw arguments as the kernel passed them (unsigned 64-bit). */
  readonly args: readonly bigint[];
}

/** Turns one raw argument into what a reader wants to see: `O_RDONLY|O_CLOEXEC`, `AT_FDCWD`, `3`. */
export type ArgDecoder = (value: bigint, context: ArgContext) => string;

const MASK_32 = (1n << 32n) - 1n;

/** The low 32 bits as a C `int`: fds, flags and most enums are ints whatever the ABI. */
export function asInt(value: bigint): bigint {
  return BigInt.asIntN(32, value);
}

export function asUint(value: bigint): bigint {
  return value & MASK_32;
}

function longBits(arch: Arch): number {
  return archInfo(arch).longBits;
}

export const int: ArgDecoder = (value) => asInt(value).toString();
export const uint: ArgDecoder = (value) => asUint(value).toString();
/** A signed `long` / `off_t` (pid_t-sized values use int). */
export const long: ArgDecoder = (value, { arch }) =>
  BigInt.asIntN(longBits(arch), value).toString();
/** size_t and other unsigned longs. */
export const size: ArgDecoder = (value, { arch }) =>
  BigInt.asUintN(longBits(arch), value).toString();
export const hex: ArgDecoder = (value) => `0x${value.toString(16)}`;
/** A user-space address: NULL or hex. */
export const pointer: ArgDecoder = (value, { arch }) => {
  const address = BigInt.asUintN(longBits(arch), value);
  return address === 0n ? 'NULL' : `0x${address.toString(16)}`;
};
/** A value that is a count when small and a mask or address when large. */
export const number: ArgDecoder = (value, context) =>
  BigInt.asUintN(longBits(context.arch), value) < 0x10000n
    ? size(value, context)
    : hex(value, context);
export const fd: ArgDecoder = int;
export const dirfd: ArgDecoder = (value, { arch }) =>
  asInt(value) === constantValue(arch, 'AT_FDCWD') ? 'AT_FDCWD' : asInt(value).toString();
/** Permission bits in octal, as chmod(1) writes them. */
export const mode: ArgDecoder = (value) => `0${asUint(value).toString(8)}`;

/** One name of `set` for the int value, or the number when the set has no name for it. */
export function enumOf(set: ConstantSet, width: 'int' | 'uint' | 'long' = 'int'): ArgDecoder {
  return (value, context) => {
    const normalized = normalize(value, width, context.arch);
    return nameOf(context.arch, set, normalized) ?? normalized.toString();
  };
}

/** Like enumOf, but a value without a name shows in hex (ioctl requests, personas). */
export function enumOrHex(set: ConstantSet, width: 'int' | 'uint' | 'long' = 'uint'): ArgDecoder {
  return (value, context) => {
    const normalized = normalize(value, width, context.arch);
    return nameOf(context.arch, set, normalized) ?? `0x${asUint(normalized).toString(16)}`;
  };
}

/** Flag names of `set` joined with `|`, over the int (or unsigned long) value. */
export function flagsIn(set: ConstantSet, width: 'uint' | 'ulong' = 'uint'): ArgDecoder {
  return (value, { arch }) =>
    flagsOf(arch, set, width === 'uint' ? asUint(value) : BigInt.asUintN(longBits(arch), value));
}

function normalize(value: bigint, width: 'int' | 'uint' | 'long', arch: Arch): bigint {
  if (width === 'int') return asInt(value);
  if (width === 'uint') return asUint(value);
  return BigInt.asIntN(longBits(arch), value);
}

/** Joins field names and flag names, dropping an empty flags part (`0`). */
function joinParts(...parts: readonly string[]): string {
  const kept = parts.filter((part) => part !== '' && part !== '0');
  return kept.length > 0 ? kept.join('|') : '0';
}

/** access(2) modes: `R_OK|X_OK`, and `F_OK` for 0 (the file exists). */
export const accessMode: ArgDecoder = (value, { arch }) => {
  const mode = asUint(value);
  if (mode === 0n) return nameOf(arch, sets.ACCESS_MODES, 0n) ?? '0';
  return flagsOf(arch, sets.ACCESS_MODES, mode);
};

/** open(2) flags: the access mode field, then the flags (`O_WRONLY|O_CREAT|O_TRUNC`). */
export const openFlags: ArgDecoder = (value, { arch }) => {
  const flags = asUint(value);
  const accessMask = valueOr0(arch, 'O_ACCMODE');
  const access = flags & accessMask;
  const accessName = nameOf(arch, sets.OPEN_ACCESS, access) ?? `0x${access.toString(16)}`;
  const rest = flags & ~accessMask;
  return rest === 0n ? accessName : `${accessName}|${flagsOf(arch, sets.OPEN_FLAGS, rest)}`;
};

/** Status flags as fcntl(F_SETFL) takes them: no access mode. */
const statusFlags: ArgDecoder = (value, { arch }) => flagsOf(arch, sets.OPEN_FLAGS, asUint(value));

/** mmap(2) flags: the mapping type, the huge page size field, then the flags. */
export const mmapFlags: ArgDecoder = (value, { arch }) => {
  const flags = asUint(value);
  const typeMask = valueOr0(arch, 'MAP_TYPE');
  const hugeMask = valueOr0(arch, 'MAP_HUGE_MASK') << valueOr0(arch, 'MAP_HUGE_SHIFT');
  const type = flags & typeMask;
  const huge = flags & hugeMask;
  const typeName = nameOf(arch, sets.MAP_TYPE, type) ?? (type ? `0x${type.toString(16)}` : '');
  const hugeName = huge ? (nameOf(arch, sets.MAP_HUGE, huge) ?? `0x${huge.toString(16)}`) : '';
  const rest = flags & ~typeMask & ~hugeMask;
  return joinParts(typeName, hugeName, rest ? flagsOf(arch, sets.MAP_FLAGS, rest) : '');
};

/** clone(2) flags: the exit signal in the low byte (CSIGNAL), then the flags. */
export const cloneFlags: ArgDecoder = (value, { arch }) => {
  const flags = BigInt.asUintN(64, value);
  const signalMask = valueOr0(arch, 'CSIGNAL');
  const exitSignal = flags & signalMask;
  const rest = flags & ~signalMask;
  const signalName = exitSignal
    ? (nameOf(arch, sets.SIGNALS, exitSignal) ?? String(exitSignal))
    : '';
  return joinParts(rest ? flagsOf(arch, sets.CLONE_FLAGS, rest) : '', signalName);
};

/** socket(2) type: the type, then SOCK_NONBLOCK / SOCK_CLOEXEC. */
export const socketType: ArgDecoder = (value, { arch }) => {
  const type = asUint(value);
  const flagMask = valueOr0(arch, 'SOCK_NONBLOCK') | valueOr0(arch, 'SOCK_CLOEXEC');
  const kind = type & ~flagMask;
  const kindName = nameOf(arch, sets.SOCKET_TYPES, kind) ?? kind.toString();
  const flags = type & flagMask;
  return flags ? `${kindName}|${flagsOf(arch, sets.SOCKET_FLAGS, flags)}` : kindName;
};

/** futex(2) op: the command, named with _PRIVATE when the private flag is set (as strace does). */
export const futexOperation: ArgDecoder = (value, { arch }) => {
  const op = asUint(value);
  const privateFlag = valueOr0(arch, 'FUTEX_PRIVATE_FLAG');
  const realtime = valueOr0(arch, 'FUTEX_CLOCK_REALTIME');
  const command = op & ~privateFlag & ~realtime;
  const commandName = nameOf(arch, sets.FUTEX_COMMANDS, command) ?? command.toString();
  const privateName = `${commandName}_PRIVATE`;
  const isPrivate = (op & privateFlag) !== 0n;
  const named =
    isPrivate && constantValue(arch, privateName) !== undefined
      ? privateName
      : isPrivate
        ? `${commandName}|FUTEX_PRIVATE_FLAG`
        : commandName;
  return (op & realtime) !== 0n ? `${named}|FUTEX_CLOCK_REALTIME` : named;
};

export const signal: ArgDecoder = enumOf(sets.SIGNALS);

/** fcntl(2)'s third argument, whose meaning depends on the command. */
export const fcntlArgument: ArgDecoder = (value, context) => {
  const command = nameOf(context.arch, sets.FCNTL_COMMANDS, asInt(context.args[1] ?? 0n));
  switch (command) {
    case 'F_SETFL':
      return statusFlags(value, context);
    case 'F_SETFD':
      return flagsIn(sets.FD_FLAGS)(value, context);
    case 'F_ADD_SEALS':
      return flagsIn(sets.SEAL_FLAGS)(value, context);
    case 'F_SETSIG':
      return signal(value, context);
    case 'F_DUPFD':
    case 'F_DUPFD_CLOEXEC':
    case 'F_SETOWN':
      return int(value, context);
    case 'F_GETFD':
    case 'F_GETFL':
    case 'F_GETOWN':
    case 'F_GETSIG':
    case 'F_GET_SEALS':
    case 'F_GETPIPE_SZ':
    case 'F_GETLEASE':
      return number(value, context); // ignored by the kernel
    default:
      return command?.includes('LK') ? pointer(value, context) : number(value, context);
  }
};

/** prctl(2)'s second argument, for the options whose values have names. */
export const prctlArgument: ArgDecoder = (value, context) => {
  const option = nameOf(context.arch, sets.PRCTL_OPTIONS, asInt(context.args[0] ?? 0n));
  switch (option) {
    case 'PR_SET_MM':
      return enumOf(sets.PRCTL_SET_MM)(value, context);
    case 'PR_CAP_AMBIENT':
      return enumOf(sets.PRCTL_CAP_AMBIENT)(value, context);
    case 'PR_SET_SECCOMP':
      return enumOf(sets.SECCOMP_MODES)(value, context);
    case 'PR_CAPBSET_READ':
    case 'PR_CAPBSET_DROP':
      return enumOf(sets.CAPABILITIES)(value, context);
    case 'PR_SET_PDEATHSIG':
      return signal(value, context);
    case 'PR_SET_NAME':
    case 'PR_GET_NAME':
    case 'PR_GET_PDEATHSIG':
    case 'PR_GET_TID_ADDRESS':
      return pointer(value, context);
    default:
      return number(value, context);
  }
};

/** prctl(PR_CAP_AMBIENT, op, cap): the capability. */
export const prctlThirdArgument: ArgDecoder = (value, context) => {
  const option = nameOf(context.arch, sets.PRCTL_OPTIONS, asInt(context.args[0] ?? 0n));
  return option === 'PR_CAP_AMBIENT'
    ? enumOf(sets.CAPABILITIES)(value, context)
    : number(value, context);
};

/** getsockopt/setsockopt option names are per level; SOL_SOCKET's are named. */
export const socketOption: ArgDecoder = (value, context) => {
  const level = asInt(context.args[1] ?? 0n);
  return level === constantValue(context.arch, 'SOL_SOCKET')
    ? enumOf(sets.SOCKET_OPTIONS)(value, context)
    : int(value, context);
};

/** mount(2) flags, with the legacy magic number in the top half shown by name. */
export const mountFlags: ArgDecoder = (value, { arch }) => {
  const flags = BigInt.asUintN(longBits(arch), value);
  const magicMask = valueOr0(arch, 'MS_MGC_MSK');
  const magic = valueOr0(arch, 'MS_MGC_VAL');
  const hasMagic = magicMask !== 0n && (flags & magicMask) === magic;
  const rest = hasMagic ? flags & ~magicMask : flags;
  const names = flagsOf(arch, sets.MOUNT_FLAGS, rest);
  return hasMagic ? joinParts('MS_MGC_VAL', names) : names;
};

/** personality(2): a persona, or 0xffffffff to query. */
export const persona: ArgDecoder = enumOrHex(sets.PERSONAS);
