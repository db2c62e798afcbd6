/** A run of a lesson's text: plain, or a `code` span. */
export interface TextPart {
  readonly text: string;
  readonly code: boolean;
}

const LIST_ITEM = /^([-*]|\d+[.)])\s/;

/**
 * A lesson step's body as paragraphs of parts: paragraphs are separated by blank lines, code spans
 * are in backquotes. An unclosed backquote is kept as text, so a typo never hides words. Lines of
 * a paragraph are joined (sources wrap prose anywhere), except before a list item (`- `, `1. `),
 * which keeps its line break (the panel shows `\n` as one).
 */
export function lessonParagraphs(body: string): TextPart[][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map(joinLines)
    .filter((p) => p !== '')
    .map(inlineParts);
}

function joinLines(paragraph: string): string {
  const lines = paragraph
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines
    .map((line, i) => (i === 0 ? line : `${LIST_ITEM.test(line) ? '\n' : ' '}${line}`))
    .join('');
}

export function inlineParts(paragraph: string): TextPart[] {
  const parts: TextPart[] = [];
  const push = (text: string, code: boolean): void => {
    if (text === '') return;
    const last = parts.at(-1);
    if (last && !last.code && !code) parts[parts.length - 1] = { text: last.text + text, code };
    else parts.push({ text, code });
  };
  let at = 0;
  while (at < paragraph.length) {
    const open = paragraph.indexOf('`', at);
    const close = open === -1 ? -1 : paragraph.indexOf('`', open + 1);
    if (close === -1) {
      push(paragraph.slice(at), false);
      break;
    }
    push(paragraph.slice(at, open), false);
    push(paragraph.slice(open + 1, close), true);
    at = close + 1;
  }
  return parts;
}
