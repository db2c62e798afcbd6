import { syscallName, syscallNumber, type Arch } from '../linux/syscalls';
import type { SourceRange } from '../policy/source-range';
import type { ArgAnnotations } from '../trace/arg-annotations';
import type { TraceEvent } from '../trace/events';
import { stringArguments } from '../trace/string-arguments';
import { FormatError, type FormatWarning } from './format-result';
import {
  closingParen,
  readArgument,
  splitArgItems,
  stringArray,
  stringLiteral,
  type ArgItem,
  type NameAt,
} from './strace-args';
import { linePrefix, StraceClock } from './strace-prefix';

/*
 * Reads `strace -f -o FILE` output a piece at a time (a line may be split between pieces), so a
 * log of any size is read without holding it: every event and warning goes to the sink as soon
 * as its line is read. Calls split into `<unfinished ...>` and `<... resumed>` become one event
 * with the time the call started, when it resumes; the sink gets those out of order
 * (strace-order.ts puts them back).
 *
 * Arguments as strace-args.ts reads them: values where strace printed one, 0 for pointers it
 * printed as what they point at (it does not show their values); path and name strings as the
 * event's `strings`, `strace -y` fd decorations as its `fds`, keyed by argument index, as the
 * supervisor annotates a live run. A constant or expression the studio cannot evaluate is
 * reported once per name, at its first place.
 */

export interface StraceSink {
  readonly event: (event: TraceEvent) => void;
  readonly warning: (warning: FormatWarning) => void;
}

export interface StraceOptions {
  /** The traced program's ABI (strace's `runs in 32 bit mode` notes switch a process). */
  readonly arch?: Arch;
}

export interface StraceReadOptions extends StraceOptions {
  /**
   * false: syscall events without argument values or annotations (all `0x0`), and no warnings
   * about them; for learning which syscalls a log uses, faster.
   */
  readonly decodeArguments?: boolean;
}

/** A longer line is no strace output: refused, so a streamed read never holds more. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;
/** Distinct names reported once each; a log with more gets no further such warnings. */
const MAX_REPORTED_NAMES = 10_000;
/** The annotation schema's limit (app/trace/arg-annotations.ts). */
const MAX_ANNOTATION_CHARS = 4096;

/** Where a piece of a call's text starts: its line, 1-based column and offset in the log. */
interface Place {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** Where the parts of a call's argument text are in the log (a resumed call has two). */
type Segments = readonly { readonly from: number; readonly place: Place }[];

interface Pending {
  readonly name: string;
  readonly head: string;
  readonly t: number;
  readonly segments: Segments;
}

const ARG_KEYS = ['0', '1', '2', '3', '4', '5'] as const;
const hex = (v: bigint) => `0x${v.toString(16)}`;
const NO_ARGS = ARG_KEYS.map(() => '0x0');

export class StraceLogReader {
  readonly #sink: StraceSink;
  readonly #arch: Arch;
  readonly #decode: boolean;
  readonly #clock = new StraceClock();
  readonly #pending = new Map<number, Pending>();
  readonly #archOf = new Map<number, Arch>();
  /** Thread id → its process (thread group) id, learnt from clone(CLONE_THREAD). */
  readonly #processOf = new Map<number, number>();
  readonly #reported = new Set<string>();
  #carry = '';
  #line = 0;
  /** Offset in the log of the line being read, and of the next one. */
  #lineOffset = 0;
  #nextOffset = 0;
  #lineLength = 0;
  #lastId = 0;
  #t = 0;
  #syscalls = 0;
  /** `strace -C` appends a summary table after the calls. */
  #inSummary = false;

  constructor(sink: StraceSink, options: StraceReadOptions = {}) {
    this.#sink = sink;
    this.#arch = options.arch ?? 'x86_64';
    this.#decode = options.decodeArguments ?? true;
  }

  /** Syscall events so far. */
  get syscalls(): number {
    return this.#syscalls;
  }

  /** Lines read so far. */
  get lines(): number {
    return this.#line;
  }

  /** The next piece of the log. Throws FormatError (with the line) at a line it cannot read. */
  push(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const line = this.#carry + text.slice(from, nl);
      this.#carry = '';
      this.#readLine(line);
      from = nl + 1;
    }
    this.#carry += text.slice(from);
    if (this.#carry.length > MAX_LINE_CHARS) {
      this.#startLine(this.#carry.slice(0, 200));
      this.#fail(`the line is longer than ${MAX_LINE_CHARS} characters: not strace output`);
    }
  }

  /** The log ended: reads a last line without a newline and finishes unfinished calls. */
  end(): void {
    if (this.#carry !== '') this.#readLine(this.#carry);
    this.#carry = '';
    for (const [id, call] of this.#pending) {
      this.#finishCall(id, call.name, call.head, undefined, call.t, call.segments);
    }
    this.#pending.clear();
  }

  #startLine(raw: string): void {
    this.#line += 1;
    this.#lineOffset = this.#nextOffset;
    this.#nextOffset += raw.length + 1;
    this.#lineLength = raw.length;
  }

  #readLine(raw: string): void {
    this.#startLine(raw);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    if (line.trimStart().startsWith('% time')) this.#inSummary = true;
    if (this.#inSummary) return;
    const { id = this.#lastId, stamp, body, bodyStart } = linePrefix(line);
    this.#lastId = id;
    this.#t = this.#clock.at(stamp);
    if (body.startsWith('+++')) return this.#exit(id, body);
    if (body.startsWith('---')) return this.#signal(id, body);
    if (body.startsWith('<...')) return this.#resumed(id, body, bodyStart);
    if (body.startsWith('[ Process PID=')) return this.#personality(body);
    if (body.startsWith('strace: ')) return;
    const call = /^([A-Za-z_][A-Za-z0-9_]*|\?\?\?\?)\(/.exec(body);
    if (!call) this.#fail(`not a line of strace output: "${body.slice(0, 60)}"`);
    const argsStart = bodyStart + call[0].length;
    const rest = body.slice(call[0].length);
    this.#call(id, call[1]!, rest, this.#t, [{ from: 0, place: this.#placeAt(argsStart) }]);
  }

  #placeAt(index: number): Place {
    return { line: this.#line, column: index + 1, offset: this.#lineOffset + index };
  }

  #lineRange(): SourceRange {
    return {
      start: this.#placeAt(0),
      end: this.#placeAt(this.#lineLength),
    };
  }

  #fail(message: string): never {
    throw new FormatError(message, this.#lineRange());
  }

  #pidOf(id: number): number {
    return this.#processOf.get(id) ?? id;
  }

  #archFor(id: number): Arch {
    return this.#archOf.get(this.#pidOf(id)) ?? this.#arch;
  }

  #call(id: number, name: string, rest: string, t: number, segments: Segments): void {
    const unfinished = /\s*<unfinished \.\.\.>\s*$/.exec(rest);
    if (unfinished) {
      this.#pending.set(id, { name, head: rest.slice(0, unfinished.index), t, segments });
      return;
    }
    const close = closingParen(rest, 0);
    if (close < 0) this.#fail(`${name}: the argument list does not end`);
    const result = /^\s*=\s*(.*?)\s*(?:<\d+\.\d+>)?\s*$/.exec(rest.slice(close + 1));
    if (!result) this.#fail(`${name}: expected " = RESULT" after the arguments`);
    this.#finishCall(id, name, rest.slice(0, close), result[1], t, segments);
  }

  #resumed(id: number, body: string, bodyStart: number): void {
    const match = /^<\.\.\. ([A-Za-z0-9_?]+) resumed>\s?(.*)$/.exec(body);
    if (!match) this.#fail('malformed "<... resumed>" line');
    const [, name, tail] = match as unknown as [string, string, string];
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    const joined = pending?.name === name;
    if (!joined) {
      this.#sink.warning({
        message: `${name} resumed without its start (the log was cut?)`,
        range: this.#lineRange(),
      });
    }
    const head = joined ? pending.head : '';
    const tailPlace = this.#placeAt(bodyStart + body.length - tail.length);
    const segments = [...(joined ? pending.segments : []), { from: head.length, place: tailPlace }];
    this.#call(id, name, `${head}${tail}`, joined ? pending.t : this.#t, segments);
  }

  #finishCall(
    id: number,
    name: string,
    argText: string,
    result: string | undefined,
    t: number,
    segments: Segments,
  ): void {
    const arch = this.#archFor(id);
    const numbered = /^syscall_(0x[0-9a-f]+|\d+)$/.exec(name);
    const nr = numbered ? Number(numbered[1]) : syscallNumber(arch, name);
    if (nr === undefined) {
      this.#reportOnce(
        `syscall\0${arch}\0${name}`,
        `${name} is not a syscall of ${arch}: left out of the trace (reported once)`,
        this.#lineRange(),
      );
      return;
    }
    const canonical = numbered ? (syscallName(arch, nr) ?? name) : name;
    const items = splitArgItems(argText);
    const pid = this.#pidOf(id);
    const decoded = this.#decode
      ? this.#decodeArgs(canonical, arch, items, segments)
      : { args: NO_ARGS };
    this.#syscalls += 1;
    this.#sink.event({ type: 'syscall', t, pid, tid: id, name: canonical, nr, arch, ...decoded });
    const returned = result === undefined ? undefined : /^(-?\d+|0x[0-9a-f]+)/.exec(result)?.[1];
    if (returned === undefined || returned.startsWith('-')) return;
    const texts = items.map((item) => item.text);
    if (canonical === 'execve' || canonical === 'execveat') this.#exec(id, canonical, texts, t);
    if (['clone', 'clone3', 'fork', 'vfork'].includes(canonical)) {
      this.#child(id, texts, Number(returned), t);
    }
  }

  #decodeArgs(
    name: string,
    arch: Arch,
    items: readonly ArgItem[],
    segments: Segments,
  ): { args: string[] } & ArgAnnotations {
    const stringIndexes = stringArguments(name);
    const strings: Partial<Record<(typeof ARG_KEYS)[number], string>> = {};
    const fds: Partial<Record<(typeof ARG_KEYS)[number], string>> = {};
    const args = ARG_KEYS.map((key, index) => {
      const item = items[index];
      if (!item) return '0x0';
      const arg = readArgument(item.text, arch);
      if (arg.string !== undefined && stringIndexes.includes(index)) {
        strings[key] = arg.string.slice(0, MAX_ANNOTATION_CHARS);
      }
      if (arg.fd !== undefined) fds[key] = arg.fd.slice(0, MAX_ANNOTATION_CHARS);
      const where = (at: NameAt) => this.#rangeIn(segments, item.offset + at.offset, at.name);
      for (const unknown of arg.unknown) {
        this.#reportOnce(
          `constant\0${arch}\0${unknown.name}`,
          `unknown constant ${unknown.name} (argument ${index} of ${name}, ${arch}): counted as 0 in the trace (reported once)`,
          where(unknown),
        );
      }
      if (arg.unreadable) {
        this.#reportOnce(
          `expression\0${arg.unreadable.name}`,
          `${arg.unreadable.name} (argument ${index} of ${name}) is no value the studio can evaluate: 0 in the trace (reported once)`,
          where(arg.unreadable),
        );
      }
      return hex(arg.value ?? 0n);
    });
    return {
      args,
      ...(Object.keys(strings).length > 0 && { strings }),
      ...(Object.keys(fds).length > 0 && { fds }),
    };
  }

  /** The range of `name` found `offset` characters into a call's argument text. */
  #rangeIn(segments: Segments, offset: number, name: string): SourceRange {
    let segment = segments[0]!;
    for (const s of segments) if (s.from <= offset) segment = s;
    const shift = offset - segment.from;
    const start = {
      line: segment.place.line,
      column: segment.place.column + shift,
      offset: segment.place.offset + shift,
    };
    const length = name.replace(/\(…\)$/, '').length;
    return {
      start,
      end: { ...start, column: start.column + length, offset: start.offset + length },
    };
  }

  #reportOnce(key: string, message: string, range: SourceRange): void {
    if (this.#reported.has(key) || this.#reported.size >= MAX_REPORTED_NAMES) return;
    this.#reported.add(key);
    this.#sink.warning({ message, range });
  }

  #exec(id: number, name: string, args: readonly string[], t: number): void {
    const offset = name === 'execveat' ? 1 : 0;
    const path = stringLiteral(args[offset] ?? '') ?? '';
    const argv = stringArray(args[offset + 1] ?? '') ?? [];
    // execve makes the caller the thread group leader: its id is the process's again.
    const pid = this.#pidOf(id);
    this.#sink.event({ type: 'exec', t, pid, tid: pid, path, argv });
  }

  #child(id: number, args: readonly string[], child: number, t: number): void {
    if (!Number.isSafeInteger(child) || child <= 0) return;
    const thread = args.some((a) => /\bCLONE_THREAD\b/.test(a));
    const pid = this.#pidOf(id);
    if (thread) {
      this.#processOf.set(child, pid);
      this.#sink.event({ type: 'thread', t, pid, tid: child });
    } else {
      const arch = this.#archOf.get(pid);
      if (arch) this.#archOf.set(child, arch);
      this.#sink.event({ type: 'process', t, pid: child, ppid: pid });
    }
  }

  #exit(id: number, body: string): void {
    const exited = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(body);
    const killed = /^\+\+\+ killed by (SIG[A-Z0-9]+)( \(core dumped\))? \+\+\+$/.exec(body);
    // A thread that exec'd: its thread group leader now runs the new program.
    const superseded = /^\+\+\+ superseded by execve in pid \d+ \+\+\+$/.test(body);
    if (!exited && !killed && !superseded) this.#fail(`malformed exit line "${body}"`);
    this.#pending.delete(id);
    const pid = this.#pidOf(id);
    if (pid !== id || superseded) return; // a thread ending is not the process's exit
    this.#sink.event({
      type: 'exit',
      t: this.#t,
      pid,
      code: exited ? Number(exited[1]) : null,
      signal: killed ? killed[1]! : null,
    });
  }

  #signal(id: number, body: string): void {
    const match = /^--- (?:stopped by )?(SIG[A-Z0-9]+)(?: \{(.*)\})? ---$/.exec(body);
    if (!match) this.#fail(`malformed signal line "${body}"`);
    const code = /si_code=([A-Z_0-9]+)/.exec(match[2] ?? '')?.[1];
    this.#sink.event({
      type: 'signal',
      t: this.#t,
      pid: this.#pidOf(id),
      signal: match[1]!,
      ...(code ? { reason: code } : {}),
    });
  }

  #personality(body: string): void {
    const match = /^\[ Process PID=(\d+) runs in (32 bit|x32|64 bit) mode\. \]$/.exec(body);
    if (!match) this.#fail(`malformed personality line "${body}"`);
    const mode = match[2];
    const arch: Arch =
      mode === '32 bit'
        ? this.#arch === 'aarch64'
          ? 'arm'
          : 'i386'
        : mode === 'x32'
          ? 'x32'
          : this.#arch;
    this.#archOf.set(Number(match[1]), arch);
  }
}
