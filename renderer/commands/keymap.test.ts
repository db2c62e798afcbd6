import { describe, expect, it } from 'vitest';
import { commandForKey, SHORTCUT_LABELS, type KeyPress } from './keymap';

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
    expect(commandForKey(press('F9'))).toBe('enforce');
    expect(commandForKey(press('F7'))).toBeUndefined();
    expect(commandForKey(press('F5', { shiftKey: true }))).toBe('stop');
    expect(commandForKey(press('P', { ctrlKey: true, shiftKey: true }))).toBe('commandPalette');
    expect(commandForKey(press('F1'))).toBe('commandPalette');
    expect(commandForKey(press('T', { altKey: true, shiftKey: true }))).toBe('cycleTheme');
    expect(commandForKey(press('Y', { ctrlKey: true, shiftKey: true }))).toBe('allowObserved');
  });

  it('treats Cmd like Ctrl', () => {
    expect(commandForKey(press('s', { metaKey: true }))).toBe('save');
  });

  it('ignores other keys and extra modifiers', () => {
    expect(commandForKey(press('o'))).toBeUndefined();
    expect(commandForKey(press('s', { ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(commandForKey(press('x', { ctrlKey: true }))).toBeUndefined();
    expect(commandForKey(press('F6', { shiftKey: true }))).toBeUndefined();
    expect(commandForKey(press('O', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(commandForKey(press('p', { ctrlKey: true }))).toBeUndefined();
  });

  it('labels each command with its first shortcut', () => {
    expect(SHORTCUT_LABELS.commandPalette).toBe('Ctrl+Shift+P');
    expect(SHORTCUT_LABELS.stop).toBe('Shift+F5');
  });
});
