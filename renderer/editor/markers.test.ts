import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../app/policy/parse';
import { diagnosticToMarker, MARKER_OWNER } from './markers';

describe('diagnosticToMarker', () => {
  it('keeps the exact 1-based range', () => {
    const marker = diagnosticToMarker({
      severity: 'warning',
      message: 'unused rule',
      code: 'shadowed-rule',
      range: {
        start: { line: 3, column: 5, offset: 40 },
        end: { line: 4, column: 2, offset: 60 },
      },
    });
    expect(marker).toEqual({
      severity: 'warning',
      message: 'unused rule',
      code: 'shadowed-rule',
      source: MARKER_OWNER,
      startLineNumber: 3,
      startColumn: 5,
      endLineNumber: 4,
      endColumn: 2,
    });
  });

  it('underlines what the parser points at', () => {
    const text = 'version: 1\nlinux:\n  seccomp:\n    default: explode\n    rules: []\n';
    const diagnostic = parsePolicy(text).diagnostics.find((d) => d.severity === 'error');
    expect(diagnostic).toBeDefined();
    const marker = diagnosticToMarker(diagnostic!);
    const lines = text.split('\n');
    const underlined = lines[marker.startLineNumber - 1]?.slice(
      marker.startColumn - 1,
      marker.endLineNumber === marker.startLineNumber ? marker.endColumn - 1 : undefined,
    );
    expect(underlined).toContain('explode');
  });
});
