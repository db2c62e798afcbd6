import { describe, expect, it } from 'vitest';
import { inlineParts, lessonParagraphs } from './lesson-text';

const text = (t: string) => ({ text: t, code: false });
const code = (t: string) => ({ text: t, code: true });

describe('lessonParagraphs', () => {
  it('splits paragraphs at blank lines and joins wrapped lines', () => {
    expect(lessonParagraphs('One line\nwrapped here.\n\n  \nSecond.\r\n\r\nThird')).toEqual([
      [text('One line wrapped here.')],
      [text('Second.')],
      [text('Third')],
    ]);
  });

  it('keeps a line break before list items', () => {
    expect(lessonParagraphs('Try:\n- `read`\n- write\n  continued\n1. first')).toEqual([
      [text('Try:\n- '), code('read'), text('\n- write continued\n1. first')],
    ]);
  });

  it('has no paragraphs for an empty body', () => {
    expect(lessonParagraphs('')).toEqual([]);
    expect(lessonParagraphs('\n\n  \n')).toEqual([]);
  });
});

describe('inlineParts', () => {
  it('marks backquoted spans as code', () => {
    expect(inlineParts('Allow `read` and `write`.')).toEqual([
      text('Allow '),
      code('read'),
      text(' and '),
      code('write'),
      text('.'),
    ]);
    expect(inlineParts('`exit_group`')).toEqual([code('exit_group')]);
  });

  it('keeps an unclosed backquote as text', () => {
    expect(inlineParts('a `b` c `d')).toEqual([text('a '), code('b'), text(' c `d')]);
    expect(inlineParts('no `end')).toEqual([text('no `end')]);
  });

  it('drops empty code spans', () => {
    expect(inlineParts('a `` b')).toEqual([text('a  b')]);
  });
});
