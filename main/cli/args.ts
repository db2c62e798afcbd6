import { parseArgs } from 'node:util';
import { isArch } from '../../app/linux/arches';
import { SUPPORTED_ARCHES, type Arch } from '../../app/linux/syscalls';
import { CODE_LANGUAGES, type CodeLanguage } from '../../app/export/code-export';
import { UsageError } from './cli-error';
import type { ExportCodeOptions } from './export-code-command';
import type { ExportOptions } from './export-command';
import type { LessonOptions } from './lesson-command';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions } from './import-command';

export const COMMAND_NAMES = [
  'learn',
  'check',
  'enforce',
  'compile',
  'simulate',
  'disasm',
  'asm',
  'decompile',
  'serve',
  'audit',
  'import',
  'export',
  'lessons',
  'lesson',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
export const COMPILE_FORMATS = ['disasm', 'hex', 'c-array', 'json'] as const;
export type CompileFormat = (typeof COMPILE_FORMATS)[number];
export const ASM_FORMATS = ['hex', 'binary'] as const;
export type AsmFormat = (typeof ASM_FORMATS)[number];

export type CliCommand =
  | { readonly kind: 'help'; readonly topic?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'learn';
      readonly policy: string;
      readonly json: boolean;
      /** Human output: every syscall event, not only the first of each syscall. */
      readonly all: boolean;
      readonly update: boolean;
      readonly command?: readonly string[];
    }
  | {
      readonly kind: 'check' | 'enforce';
      readonly policy: string;
      readonly json: boolean;
      readonly all: boolean;
      readonly command?: readonly string[];
    }
  | {
      readonly kind: 'compile';
      readonly policy: string;
      readonly format: CompileFormat;
      readonly arch?: Arch;
    }
  | {
      readonly kind: 'simulate';
      readonly policy: string;
      /** A syscall number (decimal or 0x) or name, resolved for the arch. */
      readonly nr: string;
      readonly args: readonly bigint[];
      readonly arch?: Arch;
      readonly trace: boolean;
    }
  | { readonly kind: 'disasm'; readonly file: string; readonly arch?: Arch }
  | {
      readonly kind: 'asm';
      readonly file: string;
      readonly format: AsmFormat;
      readonly arch?: Arch;
    }
  | { readonly kind: 'decompile'; readonly file: string; readonly arch?: Arch }
  | { readonly kind: 'audit'; readonly pid: number; readonly json: boolean }
  | ({ readonly kind: 'import' } & ImportOptions)
  | ({ readonly kind: 'export' } & ExportOptions)
  | ({ readonly kind: 'export-code' } & ExportCodeOptions)
  | { readonly kind: 'lessons' }
  | ({ readonly kind: 'lesson' } & LessonOptions)
  | {
      readonly kind: 'serve';
      /** Absent: the studio's usual port, or any free one when that is taken. */
      readonly port?: number;
      readonly host: string;
      readonly workspace?: string;
      readonly open: boolean;
    };

const help = { type: 'boolean', short: 'h' } as const;
const json = { type: 'boolean' } as const;
const all = { type: 'boolean' } as const;
const archOption = { type: 'string', short: 'a' } as const;

/** Parses `sandbox-studio ARGS`; throws UsageError (exit 2) for anything it does not understand. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommandName(topic))
      throw new UsageError(`unknown command ${topic}`);
    return topic === undefined ? { kind: 'help' } : { kind: 'help', topic };
  }
  if (first === '--version' || first === '-V') return { kind: 'version' };
  if (!isCommandName(first)) {
    throw new UsageError(
      first.startsWith('-') ? `unknown option ${first}` : `unknown command ${first}`,
    );
  }
  const { own, command } = splitAtDoubleDash(rest);
  if (command !== undefined && first !== 'learn' && first !== 'check' && first !== 'enforce') {
    throw new UsageError(
      `${first} does not run a program: remove "-- ${command.join(' ')}"`,
      first,
    );
  }
  switch (first) {
    case 'learn': {
      const { values, positionals } = parse(first, own, {
        json,
        all,
        update: { type: 'boolean' },
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: 'learn',
        policy: onePolicy(first, positionals),
        json: values.json === true,
        all: values.all === true,
        update: values.update === true,
        ...withCommand(first, command),
      };
    }
    case 'check':
    case 'enforce': {
      const { values, positionals } = parse(first, own, { json, all, help });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: first,
        policy: onePolicy(first, positionals),
        json: values.json === true,
        all: values.all === true,
        ...withCommand(first, command),
      };
    }
    case 'compile': {
      const { values, positionals } = parse(first, own, {
        format: { type: 'string', short: 'f' },
        arch: archOption,
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: 'compile',
        policy: onePolicy(first, positionals),
        format: oneOf(first, '--format', COMPILE_FORMATS, values.format ?? 'disasm'),
        ...archOf(first, values.arch),
      };
    }
    case 'simulate': {
      const { values, positionals } = parse(first, own, {
        nr: { type: 'string', short: 'n' },
        args: { type: 'string' },
        arch: archOption,
        trace: { type: 'boolean', short: 't' },
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      if (values.nr === undefined || values.nr.trim() === '') {
        throw new UsageError('simulate needs --nr N or --nr NAME (the syscall to try)', first);
      }
      return {
        kind: 'simulate',
        policy: onePolicy(first, positionals),
        nr: values.nr.trim(),
        args: syscallArgs(values.args),
        ...archOf(first, values.arch),
        trace: values.trace === true,
      };
    }
    case 'disasm':
    case 'decompile': {
      const { values, positionals } = parse(first, own, { arch: archOption, help });
      if (values.help) return { kind: 'help', topic: first };
      return { kind: first, file: oneFile(first, positionals), ...archOf(first, values.arch) };
    }
    case 'asm': {
      const { values, positionals } = parse(first, own, {
        format: { type: 'string', short: 'f' },
        arch: archOption,
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: 'asm',
        file: oneFile(first, positionals),
        format: oneOf(first, '--format', ASM_FORMATS, values.format ?? 'hex'),
        ...archOf(first, values.arch),
      };
    }
    case 'serve': {
      const { values, positionals } = parse(first, own, {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        workspace: { type: 'string', short: 'w' },
        open: { type: 'boolean' },
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      if (positionals.length > 0)
        throw new UsageError(`serve takes no arguments (got ${positionals[0]})`, first);
      return {
        kind: 'serve',
        ...(values.port === undefined ? {} : { port: portNumber(values.port) }),
        host: values.host ?? '127.0.0.1',
        ...(values.workspace === undefined ? {} : { workspace: values.workspace }),
        open: values.open === true,
      };
    }
    case 'import': {
      const { values, positionals } = parse(first, own, {
        caps: { type: 'string' },
        arch: archOption,
        kernel: { type: 'string' },
        trace: { type: 'boolean' },
        save: { type: 'boolean' },
        workspace: { type: 'string', short: 'w' },
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      const [format, file, extra] = positionals;
      if (!isOneOf(IMPORT_FORMATS, format)) {
        throw new UsageError(`import needs a FORMAT: ${IMPORT_FORMATS.join(', ')}`, first);
      }
      if (file === undefined) throw new UsageError('import needs a FILE (- for stdin)', first);
      if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`, first);
      checkImportOptions(format, values);
      return {
        kind: 'import',
        format,
        file,
        ...(values.caps !== undefined ? { caps: values.caps.split(',').filter(Boolean) } : {}),
        ...archOf(first, values.arch),
        ...(values.kernel !== undefined ? { kernel: values.kernel } : {}),
        ...(values.trace ? { trace: true } : {}),
        ...(values.save ? { save: true } : {}),
        ...(values.workspace !== undefined ? { workspace: values.workspace } : {}),
      };
    }
    case 'export': {
      const { values, positionals } = parse(first, own, {
        arch: archOption,
        conditional: { type: 'string' },
        name: { type: 'string' },
        namespace: { type: 'string' },
        'no-tsync': { type: 'boolean' },
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      const [format, policy, extra] = positionals;
      if (policy === undefined) throw new UsageError('export needs FORMAT and POLICY', first);
      if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`, first);
      if (isOneOf(CODE_LANGUAGES, format)) {
        return {
          kind: 'export-code',
          language: format as CodeLanguage,
          policy,
          ...(values['no-tsync'] ? { tsync: false } : {}),
        };
      }
      if (!isOneOf(IMPORT_FORMATS, format) || format === 'strace') {
        const formats = [...IMPORT_FORMATS.filter((f) => f !== 'strace'), ...CODE_LANGUAGES];
        throw new UsageError(`export FORMAT is one of ${formats.join(', ')}`, first);
      }
      const conditional = values.conditional;
      if (conditional !== undefined && conditional !== 'allow' && conditional !== 'deny') {
        throw new UsageError('--conditional is allow or deny', first);
      }
      return {
        kind: 'export',
        format: format as ImportFormat,
        policy,
        ...archOf(first, values.arch),
        ...(conditional !== undefined ? { conditional } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      };
    }
    case 'audit': {
      const { values, positionals } = parse(first, own, { json, help });
      if (values.help) return { kind: 'help', topic: first };
      const [pid, extra] = positionals;
      if (pid === undefined || !/^[1-9]\d{0,9}$/.test(pid)) {
        throw new UsageError('audit needs the id of a running process (audit PID)', first);
      }
      if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`, first);
      return { kind: 'audit', pid: Number(pid), json: values.json === true };
    }
    case 'lessons': {
      const { values, positionals } = parse(first, own, { help });
      if (values.help) return { kind: 'help', topic: first };
      if (positionals[0] !== undefined) {
        throw new UsageError(`lessons takes no arguments (got ${positionals[0]})`, first);
      }
      return { kind: 'lessons' };
    }
    case 'lesson': {
      const { values, positionals } = parse(first, own, {
        policy: { type: 'string', short: 'p' },
        solution: { type: 'boolean' },
        'print-policy': { type: 'boolean' },
        json,
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      const [lesson, extra] = positionals;
      if (lesson === undefined) {
        throw new UsageError('lesson needs a lesson: its number or name (see `lessons`)', first);
      }
      if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`, first);
      if (values.policy !== undefined && values.solution) {
        throw new UsageError('give --policy FILE or --solution, not both', first);
      }
      return {
        kind: 'lesson',
        lesson,
        ...(values.policy !== undefined ? { policy: values.policy } : {}),
        solution: values.solution === true,
        printPolicy: values['print-policy'] === true,
        json: values.json === true,
      };
    }
  }
}

function isOneOf<T extends string>(list: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (list as readonly string[]).includes(value);
}

function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** `learn p.yaml -- cmd --flag`: everything after the first `--` belongs to the program. */
function splitAtDoubleDash(args: readonly string[]): {
  own: string[];
  command?: readonly string[];
} {
  const at = args.indexOf('--');
  if (at < 0) return { own: [...args] };
  return { own: args.slice(0, at), command: args.slice(at + 1) };
}

type OptionSpec = Record<string, { type: 'boolean' | 'string'; short?: string }>;

function parse<T extends OptionSpec>(command: CommandName, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

/** Node's messages carry advice about `--` that does not fit here; keep their first sentence. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  return message.split('. ')[0]?.replace(/\.$/, '') ?? message;
}

function onePolicy(command: CommandName, positionals: readonly string[]): string {
  const [policy, extra] = positionals;
  if (policy === undefined) throw new UsageError(`${command} needs a POLICY file`, command);
  if (extra !== undefined) {
    const hint =
      command === 'learn' || command === 'check' || command === 'enforce'
        ? ' (put the program after --)'
        : '';
    throw new UsageError(`unexpected argument ${extra}${hint}`, command);
  }
  return policy;
}

function withCommand(
  command: CommandName,
  program: readonly string[] | undefined,
): { command?: readonly string[] } {
  if (program === undefined) return {};
  if (program.length === 0 || program[0] === '') {
    throw new UsageError('nothing after --: give the program to run', command);
  }
  return { command: program };
}

function oneOf<T extends string>(
  command: CommandName,
  option: string,
  choices: readonly T[],
  value: string,
): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${choices.join(', ')} (got ${value})`, command);
}

function archOf(command: CommandName, value: string | undefined): { arch?: Arch } {
  if (value === undefined) return {};
  if (isArch(value)) return { arch: value };
  throw new UsageError(
    `--arch must be one of ${SUPPORTED_ARCHES.join(', ')} (got ${value})`,
    command,
  );
}

/** `6.1`, `5.15.0`: what an OCI profile's `minKernel` is compared with. */
const KERNEL_VERSION = /^\d{1,3}(\.\d{1,3}){0,2}$/;

/** Options that mean something only for some formats are refused for the others. */
function checkImportOptions(
  format: ImportFormat,
  values: { caps?: string; kernel?: string; trace?: boolean; save?: boolean; workspace?: string },
): void {
  const container = format === 'oci' || format === 'k8s';
  if (!container && (values.caps !== undefined || values.kernel !== undefined)) {
    throw new UsageError(
      '--caps and --kernel describe a container host: oci or k8s only',
      'import',
    );
  }
  if (values.kernel !== undefined && !KERNEL_VERSION.test(values.kernel)) {
    throw new UsageError(`--kernel is a version like 6.1 (got ${values.kernel})`, 'import');
  }
  if (format !== 'strace' && (values.trace || values.save)) {
    throw new UsageError('--trace and --save read an strace log: import strace FILE', 'import');
  }
  if (values.workspace !== undefined && !values.save) {
    throw new UsageError('--workspace says where --save puts the run: add --save', 'import');
  }
}

function oneFile(command: CommandName, positionals: readonly string[]): string {
  const [file, extra] = positionals;
  if (file === undefined) {
    throw new UsageError(
      `${command} needs a FILE (a BPF program; - reads standard input)`,
      command,
    );
  }
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`, command);
  return file;
}

const ARG_VALUE = /^(-?)(0x[0-9a-f]+|[0-9]+)$/i;

/** `--args 1,0x10,-1`: up to six numbers; negative ones are two's complement, as C passes them. */
function syscallArgs(value: string | undefined): bigint[] {
  if (value === undefined || value.trim() === '') return [];
  const parts = value.split(',').map((part) => part.trim());
  if (parts.length > 6) {
    throw new UsageError(`--args takes at most 6 values (got ${parts.length})`, 'simulate');
  }
  return parts.map((part) => {
    const match = ARG_VALUE.exec(part);
    const magnitude = match ? BigInt(match[2] ?? '0') : undefined;
    if (magnitude === undefined || magnitude >= 1n << 64n) {
      throw new UsageError(
        `--args: "${part}" is not a 64-bit number (decimal, 0x hex or negative)`,
        'simulate',
      );
    }
    return BigInt.asUintN(64, match?.[1] ? -magnitude : magnitude);
  });
}

function portNumber(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a number from 0 to 65535 (got ${value})`, 'serve');
  }
  return port;
}
