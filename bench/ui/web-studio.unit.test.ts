import { describe, expect, it } from 'vitest';
import { tokenUrl } from './web-studio';

describe('tokenUrl', () => {
  it('finds the URL with its token in what serve prints', () => {
    expect(tokenUrl('Sandbox Studio at http://127.0.0.1:41234/?token=ab-C_9 (Ctrl-C)\n')).toBe(
      'http://127.0.0.1:41234/?token=ab-C_9',
    );
  });

  it('finds nothing before the URL is printed', () => {
    expect(tokenUrl('starting…\nhttp://127.0.0.1:')).toBeUndefined();
  });
});
