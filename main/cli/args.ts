import { parseArgs } from 'node:util';
import { UsageError } from './cli-error';

export const COMMAND_NAMES = ['learn', 'check', 'compile', 'serve'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
export const COMPILE_FORMATS = ['disasm', 'hex', 'json'] as const;
export type CompileFormat = (typeof COMPILE_FORMATS)[number];

export type CliCommand =
  | { readonly kind: 'help'; readonly topic?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'learn';
      readonly policy: string;
      readonly json: boolean;
      readonly update: boolean;
      readonly command?: readonly string[];
    }
  | {
      readonly kind: 'check';
      readonly policy: string;
      readonly json: boolean;
      readonly command?: readonly string[];
    }
  | { readonly kind: 'compile'; readonly policy: string; readonly format: CompileFormat }
  | {
      readonly kind: 'serve';
      readonly port: number;
      readonly host: string;
      readonly workspace?: string;
      readonly open: boolean;
    };

const help = { type: 'boolean', short: 'h' } as const;
const json = { type: 'boolean' } as const;

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
  if (command !== undefined && first !== 'learn' && first !== 'check') {
    throw new UsageError(
      `${first} does not run a program: remove "-- ${command.join(' ')}"`,
      first,
    );
  }
  switch (first) {
    case 'learn': {
      const { values, positionals } = parse(first, own, {
        json,
        update: { type: 'boolean' },
        help,
      });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: 'learn',
        policy: onePolicy(first, positionals),
        json: values.json === true,
        update: values.update === true,
        ...withCommand(first, command),
      };
    }
    case 'check': {
      const { values, positionals } = parse(first, own, { json, help });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: 'check',
        policy: onePolicy(first, positionals),
        json: values.json === true,
        ...withCommand(first, command),
      };
    }
    case 'compile': {
      const { values, positionals } = parse(first, own, { format: { type: 'string' }, help });
      if (values.help) return { kind: 'help', topic: first };
      return {
        kind: 'compile',
        policy: onePolicy(first, positionals),
        format: compileFormat(values.format),
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
        port: portNumber(values.port),
        host: values.host ?? '127.0.0.1',
        ...(values.workspace === undefined ? {} : { workspace: values.workspace }),
        open: values.open === true,
      };
    }
  }
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
    const hint = command === 'compile' ? '' : ' (put the program after --)';
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

function compileFormat(value: string | undefined): CompileFormat {
  if (value === undefined) return 'disasm';
  if ((COMPILE_FORMATS as readonly string[]).includes(value)) return value as CompileFormat;
  throw new UsageError(
    `--format must be one of ${COMPILE_FORMATS.join(', ')} (got ${value})`,
    'compile',
  );
}

function portNumber(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a number from 0 to 65535 (got ${value})`, 'serve');
  }
  return port;
}
