import { describe, expect, it } from 'vitest';
import { normalizePath, resolveIncludePath } from './include-path';

describe('resolveIncludePath', () => {
  it('resolves relative to the including file', () => {
    expect(resolveIncludePath('/work/p/main.sandbox.yaml', 'base.yaml')).toBe('/work/p/base.yaml');
    expect(resolveIncludePath('/work/p/main.yaml', '../lib/./base.yaml')).toBe(
      '/work/lib/base.yaml',
    );
    expect(resolveIncludePath('p/main.yaml', 'base.yaml')).toBe('p/base.yaml');
    expect(resolveIncludePath('main.yaml', 'base.yaml')).toBe('base.yaml');
  });

  it('keeps absolute entries, and entries as written without a file', () => {
    expect(resolveIncludePath('/work/p/main.yaml', '/etc/base.yaml')).toBe('/etc/base.yaml');
    expect(resolveIncludePath(undefined, './x/../base.yaml')).toBe('base.yaml');
  });
});

describe('normalizePath', () => {
  it('removes . and .. steps', () => {
    expect(normalizePath('/a//b/./c/../d')).toBe('/a/b/d');
    expect(normalizePath('/../a')).toBe('/a');
    expect(normalizePath('../../a/../b')).toBe('../../b');
    expect(normalizePath('a/..')).toBe('.');
  });
});
