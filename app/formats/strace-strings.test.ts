import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unescapeStrace, utf8 } from './strace-strings';

// The app layer has no DOM types; the tests run on Node, which has the platform's codecs.
const platform = globalThis as unknown as {
  TextDecoder: new (label: string) => { decode(bytes: Uint8Array): string };
  TextEncoder: new () => { encode(text: string): Uint8Array };
};

describe('unescapeStrace', () => {
  it('decodes C escapes, and escaped bytes as UTF-8', () => {
    expect(unescapeStrace(String.raw`vm\n`)).toBe('vm\n');
    expect(unescapeStrace(String.raw`a\tb\r\v\f\a\b`)).toBe('a\tb\r\v\f\x07\x08');
    expect(unescapeStrace(String.raw`say \"hi\" \\ there`)).toBe('say "hi" \\ there');
    // strace -y of a file named a<b>cé d: `<` and `>` as octal, é as its two UTF-8 bytes.
    expect(unescapeStrace(String.raw`/tmp/s2/a\74b\76c\303\251 d`)).toBe('/tmp/s2/a<b>cé d');
    expect(unescapeStrace(String.raw`\xe2\x82\xac and \x41`)).toBe('€ and A');
    expect(unescapeStrace(String.raw`\0`)).toBe('\0');
  });

  it('keeps bytes that are not UTF-8 visible as U+FFFD, and unescaped text as it is', () => {
    expect(unescapeStrace(String.raw`\177ELF\2\1`)).toBe('\x7fELF\x02\x01');
    expect(unescapeStrace(String.raw`\377\376x`)).toBe('\ufffd\ufffdx');
    expect(unescapeStrace('déjà vu')).toBe('déjà vu');
    expect(unescapeStrace('trailing \\')).toBe('trailing \\');
  });
});

describe('utf8', () => {
  it('decodes like the platform decoder, replacing what is not UTF-8', () => {
    const decoder = new platform.TextDecoder('utf-8');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(utf8([...bytes])).toBe(decoder.decode(bytes));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(utf8([...new platform.TextEncoder().encode(text)])).toBe(text);
      }),
    );
  });

  it('refuses overlong forms, surrogates and points past U+10FFFF', () => {
    expect(utf8([0xc0, 0xaf])).toBe('\ufffd\ufffd');
    expect(utf8([0xed, 0xa0, 0x80])).toBe('\ufffd\ufffd\ufffd');
    expect(utf8([0xf4, 0x90, 0x80, 0x80])).toBe('\ufffd\ufffd\ufffd\ufffd');
    expect(utf8([0xf0, 0x9f, 0x98, 0x80])).toBe('😀');
  });
});
