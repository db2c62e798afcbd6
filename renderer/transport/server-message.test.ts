import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './server-message';

describe('parseServerMessage', () => {
  it('reads responses and events', () => {
    expect(parseServerMessage('{"kind":"response","id":1,"ok":true,"result":{"a":1}}')).toEqual({
      ok: true,
      message: { kind: 'response', id: 1, ok: true, result: { a: 1 } },
    });
    expect(parseServerMessage('{"kind":"response","id":2,"ok":false,"error":"x"}')).toMatchObject({
      ok: true,
      message: { ok: false, error: 'x' },
    });
    expect(parseServerMessage('{"kind":"event","name":"run.state","payload":{}}')).toMatchObject({
      ok: true,
      message: { kind: 'event', name: 'run.state' },
    });
  });

  it('says what is wrong with anything else', () => {
    expect(parseServerMessage(new ArrayBuffer(2))).toEqual({
      ok: false,
      error: 'expected a text frame',
    });
    expect(parseServerMessage('{nope')).toEqual({ ok: false, error: 'the frame is not JSON' });
    const missing = parseServerMessage('{"kind":"response","id":1,"ok":false}');
    expect(missing).toMatchObject({ ok: false, error: expect.stringContaining('error') });
    expect(parseServerMessage('null')).toMatchObject({ ok: false });
    expect(parseServerMessage('{"kind":"response","id":-1,"ok":true}')).toMatchObject({
      ok: false,
    });
  });
});
