import { describe, expect, it } from 'vitest';
import { contentType, resolveStaticPath } from './static-files';

describe('resolveStaticPath', () => {
  const root = '/srv/renderer';
  it('maps URL paths to files under the root', () => {
    expect(resolveStaticPath(root, '/')).toBe('/srv/renderer/index.html');
    expect(resolveStaticPath(root, '/assets/app.js')).toBe('/srv/renderer/assets/app.js');
    expect(resolveStaticPath(root, '/a%20b.css')).toBe('/srv/renderer/a b.css');
    expect(resolveStaticPath(root, '/x/../index.html')).toBe('/srv/renderer/index.html');
  });

  it('refuses anything that leaves the root or is malformed', () => {
    for (const bad of [
      '/../etc/passwd',
      '/%2e%2e/etc/passwd',
      '/..%2fetc/passwd',
      '/assets/%2e%2e/%2e%2e/secret',
      '/%00',
      '/a%5c..%5c..%5cx',
      '/%E0%A4%A',
      'relative',
      '/.env',
      '/assets/.hidden/x.js',
    ]) {
      expect(resolveStaticPath(root, bad), bad).toBeUndefined();
    }
  });
});

describe('contentType', () => {
  it('knows the renderer build outputs', () => {
    expect(contentType('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentType('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('app.css')).toBe('text/css; charset=utf-8');
    expect(contentType('codicon.ttf')).toBe('font/ttf');
    expect(contentType('app.js.map')).toBe('application/json; charset=utf-8');
    expect(contentType('blob.bin')).toBe('application/octet-stream');
  });
});
