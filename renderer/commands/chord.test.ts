import { describe, expect, it } from 'vitest';
import {
  ariaKeyShortcut,
  chordLabel,
  chordMatches,
  monacoKeyCodeName,
  parseChord,
  type KeyPress,
} from './chord';

const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('parseChord', () => {
  it('reads modifiers and the key', () => {
    expect(parseChord('Ctrl+Shift+P')).toEqual({ ctrl: true, shift: true, alt: false, key: 'P' });
    expect(parseChord('F5')).toEqual({ ctrl: false, shift: false, alt: false, key: 'F5' });
    expect(parseChord('Shift+Alt+T')).toEqual({ ctrl: false, shift: true, alt: true, key: 'T' });
  });

  it('round-trips through its label', () => {
    for (const label of ['Ctrl+O', 'Shift+F5', 'Ctrl+Shift+Alt+K', 'ArrowUp', 'Ctrl+Enter']) {
      expect(chordLabel(parseChord(label))).toBe(label);
    }
  });

  it('refuses unknown keys, unknown or repeated modifiers and a non-canonical order', () => {
    expect(() => parseChord('Ctrl+p')).toThrow(/neither a letter/);
    expect(() => parseChord('Ctrl+F13')).toThrow(/neither a letter/);
    expect(() => parseChord('Meta+P')).toThrow(/modifiers/);
    expect(() => parseChord('Ctrl+Ctrl+P')).toThrow(/distinct/);
    expect(() => parseChord('Alt+Shift+T')).toThrow(/must be written "Shift\+Alt\+T"/);
    expect(() => parseChord('')).toThrow();
  });
});

describe('chordMatches', () => {
  const ctrlShiftP = parseChord('Ctrl+Shift+P');

  it('matches the exact modifiers, letters in either case, Cmd as Ctrl', () => {
    expect(chordMatches(ctrlShiftP, press('P', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(chordMatches(ctrlShiftP, press('p', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(chordMatches(ctrlShiftP, press('P', { metaKey: true, shiftKey: true }))).toBe(true);
  });

  it('does not match with a modifier missing or extra', () => {
    expect(chordMatches(ctrlShiftP, press('P', { ctrlKey: true }))).toBe(false);
    expect(
      chordMatches(ctrlShiftP, press('P', { ctrlKey: true, shiftKey: true, altKey: true })),
    ).toBe(false);
    expect(chordMatches(parseChord('F5'), press('F5', { shiftKey: true }))).toBe(false);
    expect(chordMatches(parseChord('Shift+F5'), press('F5', { shiftKey: true }))).toBe(true);
  });

  it('matches letters by their physical key on other layouts', () => {
    const cyrillic = press('з', { ctrlKey: true, shiftKey: true, code: 'KeyP' });
    expect(chordMatches(ctrlShiftP, cyrillic)).toBe(true);
    const dead = press('Dead', { shiftKey: true, altKey: true, code: 'KeyT' });
    expect(chordMatches(parseChord('Shift+Alt+T'), dead)).toBe(true);
    // A Latin key wins over its position: Ctrl+Shift+P on AZERTY is still "P".
    expect(
      chordMatches(ctrlShiftP, press('a', { ctrlKey: true, shiftKey: true, code: 'KeyP' })),
    ).toBe(false);
  });
});

describe('derived spellings', () => {
  it('spells aria-keyshortcuts and Monaco key codes', () => {
    expect(ariaKeyShortcut(parseChord('Ctrl+Shift+P'))).toBe('Control+Shift+P');
    expect(ariaKeyShortcut(parseChord('Shift+Alt+T'))).toBe('Shift+Alt+T');
    expect(monacoKeyCodeName(parseChord('Ctrl+Shift+P'))).toBe('KeyP');
    expect(monacoKeyCodeName(parseChord('F1'))).toBe('F1');
    expect(monacoKeyCodeName(parseChord('Ctrl+ArrowUp'))).toBe('UpArrow');
  });
});
