import { describe, expect, it } from 'vitest';
import { socketUrl, takePageToken, TOKEN_STORAGE_KEY, type TokenStorage } from './page-token';

function memoryStorage(
  initial: Record<string, string> = {},
): TokenStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => void (data[key] = value),
  };
}

describe('takePageToken', () => {
  it('takes the token from the address, remembers it and strips it', () => {
    const storage = memoryStorage();
    const result = takePageToken('http://127.0.0.1:5173/?token=abc-123&x=1#top', storage);
    expect(result).toEqual({ token: 'abc-123', cleanedUrl: '/?x=1#top' });
    expect(storage.data[TOKEN_STORAGE_KEY]).toBe('abc-123');
  });

  it('cleans to the bare path when the token was the only parameter', () => {
    expect(takePageToken('http://127.0.0.1:1/?token=t', memoryStorage()).cleanedUrl).toBe('/');
  });

  it('falls back to the remembered token after a reload', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'saved' });
    expect(takePageToken('http://127.0.0.1:1/', storage)).toEqual({
      token: 'saved',
      cleanedUrl: undefined,
    });
  });

  it('has no token at all on a first visit without one', () => {
    expect(takePageToken('http://127.0.0.1:1/', memoryStorage()).token).toBeUndefined();
  });
});

describe('socketUrl', () => {
  it('points at /api on the page host with the token', () => {
    expect(socketUrl('http://127.0.0.1:4000/some/page?q=1', 'a b')).toBe(
      'ws://127.0.0.1:4000/api?token=a+b',
    );
  });

  it('uses wss for https pages and omits a missing token', () => {
    expect(socketUrl('https://studio.local/', undefined)).toBe('wss://studio.local/api');
  });
});
