import type { Arch } from '../linux/syscalls';
import { addAllowedSyscalls } from '../policy/edit';
import type { ExecEvent, TraceEvent } from '../trace/events';
import {
  DOCUMENT_START,
  FormatError,
  type FormatWarning,
  type PolicyImport,
} from './format-result';
import { StraceLogReader, type StraceOptions } from './strace-reader';

/*
 * Logs of `strace -f -o FILE` (with or without -y/-yy, -t/-tt/-ttt/-r, -T, -i, -C, `[pid N]`
 * prefixes, calls split into `<unfinished ...>` and `<... resumed>`, signals `--- SIG… ---`,
 * exits `+++ … +++`) as the studio's trace events, and a policy learned from them: every syscall
 * the log shows, allowed. strace shows decoded arguments: numbers and flag sets are turned back
 * into raw values; pointers it shows as contents (strings, structs) have none and are 0 in the
 * events, their strings kept as the events' `strings` (`strace -X raw` logs raw values
 * throughout). strace-reader.ts reads a log of any size a piece at a time; these read one text.
 */

export type { StraceOptions } from './strace-reader';

export interface StraceTrace {
  /** In log order: a call split by another thread's comes when it resumed (see strace-order). */
  readonly events: readonly TraceEvent[];
  readonly warnings: readonly FormatWarning[];
}

export const NO_SYSCALL = 'the log shows no syscall';

/** `strace -f -o FILE` output as trace events. Throws FormatError at a line it cannot read. */
export function parseStraceLog(text: string, options: StraceOptions = {}): StraceTrace {
  const events: TraceEvent[] = [];
  const warnings: FormatWarning[] = [];
  const reader = new StraceLogReader(
    { event: (e) => events.push(e), warning: (w) => warnings.push(w) },
    options,
  );
  reader.push(text);
  reader.end();
  if (reader.syscalls === 0) throw new FormatError(NO_SYSCALL, DOCUMENT_START);
  return { events, warnings };
}

export interface LearnOptions extends StraceOptions {
  /** What the log is called, for the header comment. */
  readonly source?: string;
  /** A policy to add the syscalls to; default a new kill-by-default policy. */
  readonly starter?: string;
}

/**
 * Learns the policy of a log given a piece at a time (a log too large to hold as one text): it
 * keeps the syscall names, arches and first exec only.
 */
export class StracePolicyLearner {
  readonly #names = new Set<string>();
  readonly #arches = new Set<Arch>();
  readonly #warnings: FormatWarning[] = [];
  readonly #reader: StraceLogReader;
  #exec: ExecEvent | undefined;

  constructor(private readonly options: LearnOptions = {}) {
    this.#reader = new StraceLogReader(
      { event: (e) => this.#add(e), warning: (w) => this.#warnings.push(w) },
      { ...(options.arch && { arch: options.arch }), decodeArguments: false },
    );
  }

  #add(event: TraceEvent): void {
    if (event.type === 'syscall') {
      this.#names.add(event.name);
      this.#arches.add(event.arch as Arch);
    } else if (event.type === 'exec') {
      this.#exec ??= event;
    }
  }

  /** The next piece of the log; throws FormatError at a line it cannot read. */
  push(text: string): void {
    this.#reader.push(text);
  }

  /** The policy; throws FormatError when the log shows no syscall or cannot be added. */
  finish(): PolicyImport {
    this.#reader.end();
    if (this.#reader.syscalls === 0) throw new FormatError(NO_SYSCALL, DOCUMENT_START);
    const primary = this.options.arch ?? 'x86_64';
    const arches = [primary, ...[...this.#arches].filter((a) => a !== primary)];
    const starter = this.options.starter ?? starterPolicy(this.#exec, arches, this.options.source);
    try {
      return {
        policyText: addAllowedSyscalls(starter, [...this.#names]),
        warnings: this.#warnings,
      };
    } catch (error) {
      throw new FormatError(error instanceof Error ? error.message : String(error));
    }
  }
}

/** A policy allowing every syscall the log shows (added to `starter` when given). */
export function learnPolicyFromStrace(text: string, options: LearnOptions = {}): PolicyImport {
  const learner = new StracePolicyLearner(options);
  learner.push(text);
  return learner.finish();
}

function yamlString(text: string): string {
  return JSON.stringify(text);
}

function starterPolicy(
  exec: ExecEvent | undefined,
  arches: readonly Arch[],
  source?: string,
): string {
  const command =
    exec && exec.argv.length > 0 ? [exec.path || exec.argv[0]!, ...exec.argv.slice(1)] : undefined;
  return [
    `# Learned by sandbox-studio from the strace log ${source ?? ''}`.trimEnd() + ':',
    '# every syscall the log shows is allowed, whatever its arguments. Run it in Learn mode, then',
    '# narrow the rules with `when:` conditions.',
    'version: 1',
    `name: ${yamlString(`learned from ${source ?? 'an strace log'}`)}`,
    ...(command ? ['target:', `  command: [${command.map(yamlString).join(', ')}]`] : []),
    'linux:',
    '  seccomp:',
    `    arch: [${arches.join(', ')}]`,
    '    default: kill-process',
    '    rules: []',
    '',
  ].join('\n');
}
