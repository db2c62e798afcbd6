import type { Diagnostic, SourceRange } from '../policy/source-range';

/**
 * What every code exporter returns, and the C text helpers they share. An exporter turns a
 * validated policy into one self-contained source file the program compiles in and calls early,
 * so that it sandboxes itself after exec.
 */

export const CODE_LANGUAGES = ['c', 'libseccomp-c', 'windows-c', 'freebsd-c'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export interface CodeExport {
  readonly language: CodeLanguage;
  /** The C source. */
  readonly text: string;
  /**
   * What the policy asks that this file does not do (layers a launcher applies, actions without
   * a supervisor), each as a warning at the policy entry it is about.
   */
  readonly notes: readonly Diagnostic[];
}

export interface CodeExportOptions {
  /**
   * Linux: install the seccomp filter on every thread (SECCOMP_FILTER_FLAG_TSYNC). Default true;
   * false binds it to the calling thread and the threads it starts later.
   */
  readonly tsync?: boolean;
}

/** The policy cannot be exported as asked; `range` points at the entry that is the reason. */
export class CodeExportError extends Error {
  override readonly name = 'CodeExportError';
  constructor(
    message: string,
    readonly range?: SourceRange,
  ) {
    super(message);
  }
}

export function exportNote(message: string, range: SourceRange): Diagnostic {
  return { severity: 'warning', code: 'not-exported', message, range };
}

/** A `/* … *\/` block; text that would end the comment early is defused. */
export function blockComment(lines: readonly string[], indent = ''): string {
  const safe = lines.map((line) => line.replaceAll('*/', '* /').trimEnd());
  if (safe.length === 1) return `${indent}/* ${safe[0]} */`;
  return [
    `${indent}/*`,
    ...safe.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)),
    `${indent} */`,
  ].join('\n');
}

/** A `// …` comment; a trailing backslash would splice the next line into it. */
export function lineComment(text: string): string {
  return `// ${text.replace(/[\\\s]+$/, '')}`;
}

/** UTF-8 bytes of a string (app/ has no TextEncoder). */
function utf8(text: string): number[] {
  return [...text].flatMap((ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) return [cp];
    if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
    if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
    return [
      0xf0 | (cp >> 18),
      0x80 | ((cp >> 12) & 0x3f),
      0x80 | ((cp >> 6) & 0x3f),
      0x80 | (cp & 0x3f),
    ];
  });
}

/** A C string literal for any text: escapes, and non-ASCII as octal UTF-8 bytes. */
export function cString(text: string): string {
  const bytes = utf8(text);
  let out = '"';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (byte >= 0x20 && byte < 0x7f && ch !== '?') out += ch;
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** The policy's name for comments: one line, defused. */
export function policyTitle(name: string | undefined): string {
  return name === undefined ? 'an unnamed policy' : `"${name.replace(/\s+/g, ' ').trim()}"`;
}

/** Lines joined with newlines, blank groups collapsed; ends with one newline. */
export function joinSections(sections: readonly string[]): string {
  return `${sections
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('\n\n')}\n`;
}

/** `0x1f` for a bigint, as a C unsigned 64-bit constant. */
export function u64(value: bigint): string {
  return `UINT64_C(0x${BigInt.asUintN(64, value).toString(16)})`;
}

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return line === '' ? lines : [...lines, line];
}
