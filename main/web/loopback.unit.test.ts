import { describe, expect, it } from 'vitest';
import { loopbackAddress } from './loopback';
import { contentSecurityPolicy } from './security-headers';

describe('loopbackAddress', () => {
  it('accepts loopback addresses only', () => {
    expect(loopbackAddress('127.0.0.1')).toEqual({ bind: '127.0.0.1', urlHost: '127.0.0.1' });
    expect(loopbackAddress('127.1.2.3')).toEqual({ bind: '127.1.2.3', urlHost: '127.1.2.3' });
    expect(loopbackAddress('localhost')).toEqual({ bind: '127.0.0.1', urlHost: '127.0.0.1' });
    expect(loopbackAddress('::1')).toEqual({ bind: '::1', urlHost: '[::1]' });
    expect(loopbackAddress('0:0:0:0:0:0:0:1')).toEqual({ bind: '::1', urlHost: '[::1]' });
  });

  it('refuses every other address with a clear reason', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.10',
      '1::',
      '::ffff:127.0.0.1',
      'example.com',
      '',
    ]) {
      expect(() => loopbackAddress(host), host).toThrow(/only listens on a loopback address/);
    }
  });
});

describe('contentSecurityPolicy', () => {
  it('allows loopback WebSockets in web mode only', () => {
    expect(contentSecurityPolicy({ loopbackWebSocket: true })).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; " +
        "connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data:; " +
        "font-src 'self' data:; frame-ancestors 'none'",
    );
    expect(contentSecurityPolicy({ loopbackWebSocket: false })).toContain("connect-src 'self';");
  });
});
