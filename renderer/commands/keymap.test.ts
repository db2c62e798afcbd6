import { describe, expect, it } from 'vitest';
import { commandForKey, type KeyPress } from './keymap';

const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('commandForKey', () => {
  it('maps the documented shortcuts', () => {
    expect(commandForKey(press('o', { ctrlKey: true }))).toBe('open');
    expect(commandForKey(press('s', { ctrlKey: true }))).toBe('save');
    expect(commandForKey(press('S', { ctrlKey: true, shiftKey: true }))).toBe('saveAs');
    expect(commandForKey(press('F5'))).toBe('learn');
    expect(commandForKey(press('F6'))).toBe('check');
    expect(commandForKey(press('F5', { shiftKey: true }))).toBe('stop');
  });

  it('treats Cmd like Ctrl', () => {
    expect(commandForKey(press('s', { metaKey: true }))).toBe('save');
  });

  it('ignores other keys and Alt combinations', () => {
    expect(commandForKey(press('o'))).toBeUndefined();
    expect(commandForKey(press('s', { ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(commandForKey(press('x', { ctrlKey: true }))).toBeUndefined();
    expect(commandForKey(press('F6', { shiftKey: true }))).toBeUndefined();
    expect(commandForKey(press('O', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
  });
});
