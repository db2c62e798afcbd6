import { syscallName, syscallNumber, type Arch } from '../linux/syscalls';
import { addAllowedSyscalls } from '../policy/edit';
import type { TraceEvent } from '../trace/events';
import {
  DOCUMENT_START,
  FormatError,
  lineRange,
  type FormatWarning,
  type PolicyImport,
} from './format-result';
import { argValue, closingParen, splitArgs, stringArray, stringLiteral } from './strace-args';

/*
 * Logs of `strace -f -o FILE` (with or without -tt/-ttt/-T/-i/-C, `[pid N]` prefixes, calls split
 * into `<unfinished ...>` and `<... resumed>`, signals `--- SIG… ---`, exits `+++ … +++`) as
 * the studio's trace events, and a policy learned from them: every syscall the log shows,
 * allowed. strace shows decoded arguments: numbers and flag sets are turned back into raw
 * values; pointers it shows as contents (strings, structs) have none and are 0 in the events
 * (`strace -X raw` logs raw values throughout).
 */

export interface StraceOptions {
  /** The traced program's ABI (strace's `runs in 32 bit mode` notes switch a process). */
  readonly arch?: Arch;
}

export interface StraceTrace {
  readonly events: readonly TraceEvent[];
  readonly warnings: readonly FormatWarning[];
}

interface Pending {
  readonly name: string;
  readonly head: string;
  readonly t: number;
  readonly line: number;
}

interface Prefix {
  readonly id?: number;
  readonly seconds?: number;
  readonly body: string;
}

const PID = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+(?=\S))/;
const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)\s+/;
const EPOCH = /^(\d+\.\d+)\s+/;
const IP = /^\[[0-9a-f?]+\]\s+/;

function prefix(text: string): Prefix {
  let rest = text.trimStart();
  const pid = PID.exec(rest);
  if (pid) rest = rest.slice(pid[0].length);
  let seconds: number | undefined;
  const clock = CLOCK.exec(rest);
  const epoch = clock ? undefined : EPOCH.exec(rest);
  if (clock) seconds = Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  else if (epoch) seconds = Number(epoch[1]);
  rest = rest.slice((clock ?? epoch)?.[0].length ?? 0);
  rest = rest.replace(IP, '');
  const id = pid ? Number(pid[1] ?? pid[2]) : undefined;
  return {
    ...(id === undefined ? {} : { id }),
    ...(seconds === undefined ? {} : { seconds }),
    body: rest,
  };
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

class StraceReader {
  readonly events: TraceEvent[] = [];
  readonly warnings: FormatWarning[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly archOf = new Map<number, Arch>();
  /** Thread id → its process (thread group) id, learnt from clone(CLONE_THREAD). */
  private readonly processOf = new Map<number, number>();
  private start: number | undefined;
  private lastId = 0;
  private t = 0;
  private line = 0;
  /** `strace -C` appends a summary table after the calls. */
  private inSummary = false;

  constructor(
    private readonly text: string,
    private readonly arch: Arch,
  ) {}

  read(): void {
    const lines = this.text.replace(/\r\n/g, '\n').split('\n');
    lines.forEach((raw, i) => {
      this.line = i + 1;
      if (raw.trim() !== '') this.readLine(raw);
    });
    for (const [id, call] of this.pending)
      this.finishCall(id, call.name, call.head, undefined, call.t);
  }

  private fail(message: string): never {
    throw new FormatError(message, lineRange(this.text, this.line));
  }

  private readLine(raw: string): void {
    if (raw.trimStart().startsWith('% time')) this.inSummary = true;
    if (this.inSummary) return;
    const { id = this.lastId, seconds, body } = prefix(raw);
    this.lastId = id;
    if (seconds !== undefined) {
      this.start ??= seconds;
      this.t = Math.max(0, (seconds - this.start) * 1000);
    }
    if (body.startsWith('+++')) return this.exit(id, body);
    if (body.startsWith('---')) return this.signal(id, body);
    if (body.startsWith('<...')) return this.resumed(id, body);
    if (body.startsWith('[ Process PID=')) return this.personality(body);
    if (body.startsWith('strace: ')) return;
    const call = /^([A-Za-z_][A-Za-z0-9_]*|\?\?\?\?)\(/.exec(body);
    if (!call) this.fail(`not a line of strace output: "${body.slice(0, 60)}"`);
    this.call(id, call[1]!, body.slice(call[0].length), this.t);
  }

  private pidOf(id: number): number {
    return this.processOf.get(id) ?? id;
  }

  private archFor(id: number): Arch {
    return this.archOf.get(this.pidOf(id)) ?? this.arch;
  }

  private call(id: number, name: string, rest: string, t: number): void {
    const unfinished = /\s*<unfinished \.\.\.>\s*$/.exec(rest);
    if (unfinished) {
      this.pending.set(id, { name, head: rest.slice(0, unfinished.index), t, line: this.line });
      return;
    }
    const close = closingParen(rest, 0);
    if (close < 0) this.fail(`${name}: the argument list does not end`);
    const result = /^\s*=\s*(.*?)\s*(?:<\d+\.\d+>)?\s*$/.exec(rest.slice(close + 1));
    if (!result) this.fail(`${name}: expected " = RESULT" after the arguments`);
    this.finishCall(id, name, rest.slice(0, close), result[1], t);
  }

  private resumed(id: number, body: string): void {
    const match = /^<\.\.\. ([A-Za-z0-9_?]+) resumed>\s?(.*)$/.exec(body);
    if (!match) this.fail('malformed "<... resumed>" line');
    const [, name, tail] = match as unknown as [string, string, string];
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (!pending || pending.name !== name) {
      this.warnings.push({
        message: `${name} resumed without its start (the log was cut?)`,
        range: lineRange(this.text, this.line),
      });
    }
    const head = pending?.name === name ? pending.head : '';
    this.call(id, name, `${head}${tail}`, pending?.t ?? this.t);
  }

  private finishCall(
    id: number,
    name: string,
    argText: string,
    result: string | undefined,
    t: number,
  ) {
    const arch = this.archFor(id);
    const numbered = /^syscall_(0x[0-9a-f]+|\d+)$/.exec(name);
    const nr = numbered ? Number(numbered[1]) : syscallNumber(arch, name);
    const canonical = numbered && nr !== undefined ? (syscallName(arch, nr) ?? name) : name;
    const args = splitArgs(argText);
    const values = [0, 1, 2, 3, 4, 5].map((i) => hex(argValue(args[i] ?? '0', arch) ?? 0n));
    const pid = this.pidOf(id);
    if (nr === undefined) {
      this.warnings.push({
        message: `${name} is not a syscall of ${arch}; left out of the trace`,
        range: lineRange(this.text, this.line),
      });
      return;
    }
    this.events.push({ type: 'syscall', t, pid, tid: id, name: canonical, nr, arch, args: values });
    const returned = result === undefined ? undefined : /^(-?\d+|0x[0-9a-f]+)/.exec(result)?.[1];
    if (returned === undefined || returned.startsWith('-')) return;
    if (canonical === 'execve' || canonical === 'execveat') this.exec(id, canonical, args, t);
    if (['clone', 'clone3', 'fork', 'vfork'].includes(canonical))
      this.child(id, args, Number(returned), t);
  }

  private exec(id: number, name: string, args: readonly string[], t: number): void {
    const offset = name === 'execveat' ? 1 : 0;
    const path = stringLiteral(args[offset] ?? '') ?? '';
    const argv = stringArray(args[offset + 1] ?? '') ?? [];
    // execve makes the caller the thread group leader: its id is the process's again.
    const pid = this.pidOf(id);
    this.events.push({ type: 'exec', t, pid, tid: pid, path, argv });
  }

  private child(id: number, args: readonly string[], child: number, t: number): void {
    if (!Number.isSafeInteger(child) || child <= 0) return;
    const thread = args.some((a) => /\bCLONE_THREAD\b/.test(a));
    const pid = this.pidOf(id);
    if (thread) {
      this.processOf.set(child, pid);
      this.events.push({ type: 'thread', t, pid, tid: child });
    } else {
      const arch = this.archOf.get(pid);
      if (arch) this.archOf.set(child, arch);
      this.events.push({ type: 'process', t, pid: child, ppid: pid });
    }
  }

  private exit(id: number, body: string): void {
    const exited = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(body);
    const killed = /^\+\+\+ killed by (SIG[A-Z0-9]+)( \(core dumped\))? \+\+\+$/.exec(body);
    if (!exited && !killed) this.fail(`malformed exit line "${body}"`);
    this.pending.delete(id);
    const pid = this.pidOf(id);
    if (pid !== id) return; // a thread ending is not the process's exit
    this.events.push({
      type: 'exit',
      t: this.t,
      pid,
      code: exited ? Number(exited[1]) : null,
      signal: killed ? killed[1]! : null,
    });
  }

  private signal(id: number, body: string): void {
    const match = /^--- (?:stopped by )?(SIG[A-Z0-9]+)(?: \{(.*)\})? ---$/.exec(body);
    if (!match) this.fail(`malformed signal line "${body}"`);
    const code = /si_code=([A-Z_0-9]+)/.exec(match[2] ?? '')?.[1];
    this.events.push({
      type: 'signal',
      t: this.t,
      pid: this.pidOf(id),
      signal: match[1]!,
      ...(code ? { reason: code } : {}),
    });
  }

  private personality(body: string): void {
    const match = /^\[ Process PID=(\d+) runs in (32 bit|x32|64 bit) mode\. \]$/.exec(body);
    if (!match) this.fail(`malformed personality line "${body}"`);
    const mode = match[2];
    const arch: Arch =
      mode === '32 bit'
        ? this.arch === 'aarch64'
          ? 'arm'
          : 'i386'
        : mode === 'x32'
          ? 'x32'
          : this.arch;
    this.archOf.set(Number(match[1]), arch);
  }
}

/** `strace -f -o FILE` output as trace events. Throws FormatError at a line it cannot read. */
export function parseStraceLog(text: string, options: StraceOptions = {}): StraceTrace {
  const reader = new StraceReader(text, options.arch ?? 'x86_64');
  reader.read();
  if (reader.events.length === 0) throw new FormatError('the log shows no syscall', DOCUMENT_START);
  return { events: reader.events, warnings: reader.warnings };
}

export interface LearnOptions extends StraceOptions {
  /** What the log is called, for the header comment. */
  readonly source?: string;
  /** A policy to add the syscalls to; default a new kill-by-default policy. */
  readonly starter?: string;
}

function yamlString(text: string): string {
  return JSON.stringify(text);
}

function starterPolicy(
  events: readonly TraceEvent[],
  arches: readonly Arch[],
  source?: string,
): string {
  const exec = events.find((e) => e.type === 'exec');
  const command =
    exec?.type === 'exec' && exec.argv.length > 0
      ? [exec.path || exec.argv[0]!, ...exec.argv.slice(1)]
      : undefined;
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

/** A policy allowing every syscall the log shows (added to `starter` when given). */
export function learnPolicyFromStrace(text: string, options: LearnOptions = {}): PolicyImport {
  const { events, warnings } = parseStraceLog(text, options);
  const primary = options.arch ?? 'x86_64';
  const calls = events.filter((e) => e.type === 'syscall');
  const arches = [
    primary,
    ...new Set(calls.map((e) => e.arch as Arch).filter((a) => a !== primary)),
  ];
  const names = [...new Set(calls.map((e) => e.name))];
  const starter = options.starter ?? starterPolicy(events, arches, options.source);
  try {
    return { policyText: addAllowedSyscalls(starter, names), warnings };
  } catch (error) {
    throw new FormatError(error instanceof Error ? error.message : String(error));
  }
}
