import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseDocument, Scalar, stringify } from 'yaml';
import { scalarSpans } from './scalar-offsets';

function whenNode(text: string): Scalar {
  const doc = parseDocument(text);
  const contents = doc.contents;
  if (!isMap(contents)) throw new Error('not a map');
  const node = contents.items[0]?.value;
  if (!isScalar(node)) throw new Error('not a scalar');
  return node;
}

/** The source characters each value character came from, joined with `|`. */
function sources(text: string): string[] {
  const node = whenNode(text);
  const spans = scalarSpans(text, node);
  if (!spans) throw new Error('unmapped');
  return spans.starts.map((s, i) => text.slice(s, spans.ends[i]));
}

describe('scalarSpans', () => {
  it('maps plain scalars one to one', () => {
    expect(sources('when: arg0 == 1\n')).toEqual([...'arg0 == 1']);
  });

  it('skips the quotes and maps escapes to their whole sequence', () => {
    expect(sources('when: "a\\"b\\x41\\u00e9"\n')).toEqual(['a', '\\"', 'b', '\\x41', '\\u00e9']);
    expect(sources("when: 'it''s'\n")).toEqual(['i', 't', "''", 's']);
  });

  it('maps folded line breaks to the break', () => {
    expect(sources('when: "a &&\n  b"\n')).toEqual(['a', ' ', '&', '&', '\n', 'b']);
    expect(sources('when: a\n\n  b\n')).toEqual(['a', '\n', 'b']);
    expect(sources('when: "a\\\n   b"\n')).toEqual(['a', 'b']);
  });

  it('maps block scalars line by line', () => {
    expect(sources('when: |-\n  a\n  b\n')).toEqual(['a', '\n', 'b']);
    expect(sources('when: >\n  a\n  b\n')).toEqual(['a', '\n', 'b', '\n']);
  });

  it('gives up (undefined) on numbers and explicit indentation', () => {
    const text = 'when: 12\n';
    expect(scalarSpans(text, whenNode(text))).toBeUndefined();
    const indented = 'when: |2\n   a\n';
    expect(scalarSpans(indented, whenNode(indented))).toBeUndefined();
  });

  const alphabet = fc.constantFrom(
    ...'ab01 _{}(),&|!~<>=\'"\\#:-\t\n'.split(''),
    'é',
    '\u{1F600}',
    '  ',
    '\n\n',
  );
  const styles = [
    Scalar.PLAIN,
    Scalar.QUOTE_SINGLE,
    Scalar.QUOTE_DOUBLE,
    Scalar.BLOCK_LITERAL,
    Scalar.BLOCK_FOLDED,
  ] as const;

  it('agrees with yaml on every style yaml itself writes', () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')),
        fc.constantFrom(...styles),
        fc.integer({ min: 8, max: 60 }),
        (value, type, lineWidth) => {
          const text = stringify(
            { when: value },
            { defaultStringType: type, lineWidth, minContentWidth: 4 },
          );
          const node = whenNode(text);
          if (typeof node.value !== 'string') return;
          // Left to the whole-scalar fallback: an indentation indicator, blank-only lines.
          fc.pre(!/^[|>][-+]?[1-9]/.test(text.slice(node.range![0])));
          fc.pre(
            !/(^|\n)[ \t]+(\n|$)/.test(node.value) || !text.slice(node.range![0]).match(/^[|>]/),
          );
          const spans = scalarSpans(text, node);
          expect(spans, JSON.stringify(text)).toBeDefined();
          for (let i = 1; i < spans!.starts.length; i++) {
            expect(spans!.starts[i]!).toBeGreaterThanOrEqual(spans!.starts[i - 1]!);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
