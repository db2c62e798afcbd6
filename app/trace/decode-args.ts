import { isArch } from '../linux/arches';
import type { ArgAnnotations } from './arg-annotations';
import type { ArgContext } from './arg-decoders';
import { SYSCALL_PARAMS } from './syscall-params';

/** One argument of a syscall event as the table shows it. */
export interface DecodedArg {
  readonly index: number;
  /** The parameter's name from the man page, or `arg0`..`arg5` for syscalls not described. */
  readonly name: string;
  /** The raw value as the event carries it (`0x80000`). */
  readonly raw: string;
  /** What it means: `O_RDONLY|O_CLOEXEC`, `AT_FDCWD`, `"/etc/passwd"`, `3</dev/null>`. */
  readonly text: string;
}

/** The part of a syscall or denied event decoding needs. */
export interface SyscallCall {
  readonly name: string;
  readonly arch: string;
  readonly args: readonly string[];
}

const SHOWN_STRING_LENGTH = 120;
const HEX = /^0x[0-9a-f]{1,16}$/i;

/**
 * The arguments of one syscall, decoded for its arch: flags and enums by name from the arch's
 * constant tables, fds and ints in decimal, pointers in hex, and — when the supervisor annotated
 * the event — the strings and fd targets it read from the target. Syscalls it does not describe
 * (or an unknown arch, or a malformed value) keep their raw values; it never throws.
 */
export function decodeArgs(call: SyscallCall, annotations: ArgAnnotations = {}): DecodedArg[] {
  const values = call.args.map(parseValue);
  const params = Object.hasOwn(SYSCALL_PARAMS, call.name) ? SYSCALL_PARAMS[call.name] : undefined;
  const arch = isArch(call.arch) ? call.arch : undefined;
  if (!params || !arch || values.some((v) => v === undefined)) {
    return call.args.map((raw, index) => annotated(index, `arg${index}`, raw, raw, annotations));
  }
  const context: ArgContext = { arch, args: values as bigint[] };
  return params
    .slice(0, call.args.length)
    .map((param, index) =>
      annotated(
        index,
        param.name,
        call.args[index] ?? '',
        param.decode(context.args[index] ?? 0n, context),
        annotations,
      ),
    );
}

/** `AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC`: the arguments as strace writes them. */
export function formatDecodedArgs(args: readonly DecodedArg[]): string {
  return args.map((arg) => arg.text).join(', ');
}

/** One line per argument with its name and raw value, for a tooltip. */
export function describeDecodedArgs(args: readonly DecodedArg[]): string {
  return args
    .map((arg) =>
      arg.text === arg.raw ? `${arg.name} = ${arg.raw}` : `${arg.name} = ${arg.text}  (${arg.raw})`,
    )
    .join('\n');
}

function parseValue(raw: string): bigint | undefined {
  return HEX.test(raw) ? BigInt(raw) : undefined;
}

function annotated(
  index: number,
  name: string,
  raw: string,
  text: string,
  annotations: ArgAnnotations,
): DecodedArg {
  const key = String(index) as '0' | '1' | '2' | '3' | '4' | '5';
  const string = annotations.strings?.[key];
  if (string !== undefined) return { index, name, raw, text: quote(string) };
  const target = annotations.fds?.[key];
  if (target !== undefined) return { index, name, raw, text: `${text}<${target}>` };
  return { index, name, raw, text };
}

function quote(text: string): string {
  const shown = text.length > SHOWN_STRING_LENGTH ? `${text.slice(0, SHOWN_STRING_LENGTH)}…` : text;
  return JSON.stringify(shown);
}
