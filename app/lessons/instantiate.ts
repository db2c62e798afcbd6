import { isScalar, parseDocument, visit } from 'yaml';
import { TARGET_PLACEHOLDER } from './lesson';

/**
 * A lesson's policy text with `{{target}}` replaced by the compiled program's path, ready for the
 * editor and the CLI. The placeholder lives inside YAML strings (`command: ['{{target}}']`,
 * `execute: ['{{target}}']`): every flow scalar (plain or quoted) whose value contains it is
 * rewritten as a double-quoted string of its new value, so a path with quotes, colons, `#`,
 * spaces or line breaks stays one string. Comments and the rest of the text are kept byte for byte.
 *
 * `targetPath` null (the program is not compiled yet): the placeholder stays, quoted, so the
 * policy still parses and the run says the program `{{target}}` does not exist.
 *
 * A bare `{{target}}` outside quotes is a YAML flow mapping, not a string: it is left alone and
 * the policy check points at it.
 */
export function instantiatePolicy(policyText: string, targetPath: string | null): string {
  const replacement = targetPath ?? TARGET_PLACEHOLDER;
  const edits: { start: number; end: number; text: string }[] = [];
  const document = parseDocument(policyText, { keepSourceTokens: false });
  visit(document, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      if (!node.value.includes(TARGET_PLACEHOLDER) || !node.range) return;
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return;
      const [start, valueEnd] = node.range;
      const value = node.value.replaceAll(TARGET_PLACEHOLDER, replacement);
      edits.push({ start, end: valueEnd, text: yamlDoubleQuoted(value) });
    },
  });
  return edits
    .sort((a, b) => b.start - a.start)
    .reduce(
      (text, edit) => text.slice(0, edit.start) + edit.text + text.slice(edit.end),
      policyText,
    );
}

/**
 * `text` as a YAML double-quoted scalar: backslash and quote escaped, and every character YAML
 * does not allow as it is (controls, DEL, C1 controls, surrogates, U+FEFF, U+FFFE/U+FFFF) written
 * as an escape, so the result parses back to exactly `text`.
 */
export function yamlDoubleQuoted(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') quoted += `\\${char}`;
    else if (isPrintable(code)) quoted += char;
    else quoted += escapeCodePoint(code);
  }
  return `${quoted}"`;
}

/** YAML 1.2's c-printable, less the characters it allows but editors show badly (U+0085). */
function isPrintable(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function escapeCodePoint(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}
