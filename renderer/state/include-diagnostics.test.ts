import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import type { Diagnostic } from '../../app/policy/source-range';
import { INCLUDE_LOADING } from './include-cache';
import { explainIncludeDiagnostics, unsavedIncludeReader } from './include-diagnostics';

const at = { line: 2, column: 11, offset: 21 };
const diagnostic = (code: string, message: string): Diagnostic => ({
  severity: 'error',
  code,
  message,
  range: { start: at, end: at },
});

describe('explainIncludeDiagnostics', () => {
  it('shows a file on its way as an info, also when a nested include is', () => {
    expect(
      explainIncludeDiagnostics([
        diagnostic('include-error', `cannot include lib/a.yaml: ${INCLUDE_LOADING}`),
        diagnostic(
          'include-error',
          `lib/a.yaml:3:4: cannot include lib/b.yaml: ${INCLUDE_LOADING}`,
        ),
      ]),
    ).toEqual([
      { ...diagnostic('include-loading', 'reading lib/a.yaml…'), severity: 'info' },
      { ...diagnostic('include-loading', 'lib/a.yaml:3:4: reading lib/b.yaml…'), severity: 'info' },
    ]);
  });

  it("marks an unsaved policy's includes as unavailable, saying what to do", () => {
    const { diagnostics } = parsePolicy('version: 1\ninclude: [base.yaml]\n', {
      readInclude: unsavedIncludeReader,
    });
    const [explained] = explainIncludeDiagnostics(diagnostics);
    expect(explained).toMatchObject({
      severity: 'error',
      code: 'include-unavailable',
      message:
        'cannot include base.yaml: save the policy to a file first: includes are read relative to its folder',
    });
  });

  it('leaves every other diagnostic as it is', () => {
    const others = [
      diagnostic('include-error', 'cannot include x.yaml: no such file or directory (ENOENT)'),
      diagnostic('include-cycle', 'include cycle: a.yaml → a.yaml'),
      diagnostic('unknown-syscall', `unknown syscall "${INCLUDE_LOADING}"`),
    ];
    expect(explainIncludeDiagnostics(others)).toEqual(others);
  });
});
