import { describe, expect, it } from 'vitest';
import { blockComment, cString, joinSections, lineComment, u64, wrap } from './code-export';
import { exportCode } from './export-code';
import { CODE_LANGUAGES } from './code-export';
import { policyOf } from './test-helpers';

describe('C text helpers', () => {
  it('writes any text as a C string literal', () => {
    expect(cString('plain')).toBe('"plain"');
    expect(cString('say "hi"\\ now\n')).toBe('"say \\"hi\\"\\\\ now\\n"');
    expect(cString('??=')).toBe('"\\077\\077="'); // no trigraphs
    expect(cString('é€')).toBe('"\\303\\251\\342\\202\\254"');
    expect(cString('\t\0')).toBe('"\\011\\000"');
  });

  it('keeps comments from ending early or swallowing the next line', () => {
    expect(blockComment(['a */ b'])).toBe('/* a * / b */');
    expect(blockComment(['one', '', 'two'], '\t')).toBe('\t/*\n\t * one\n\t *\n\t * two\n\t */');
    expect(lineComment('path C:\\dir\\')).toBe('// path C:\\dir');
  });

  it('wraps words, formats 64-bit constants and joins sections', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
    expect(u64(-1n)).toBe('UINT64_C(0xffffffffffffffff)');
    expect(joinSections([' a ', '', 'b\n'])).toBe('a\n\nb\n');
  });
});

describe('exportCode', () => {
  it('exports every language from one policy', () => {
    const policy = policyOf(`version: 1
windows: { mitigations: { dep: { enable: true } } }
freebsd: { capsicum: { limit: { stdin: [read] } } }
`);
    for (const language of CODE_LANGUAGES) {
      const exported = exportCode(language, policy);
      expect(exported.language).toBe(language);
      expect(exported.text).toMatch(/sandbox_apply\(void\)\n\{/);
    }
  });
});
