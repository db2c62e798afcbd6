/**
 * A key chord such as `Ctrl+Shift+P` or `F5`: the studio's shortcuts are written as such labels
 * once (in the command registry) and everything else — matching key presses, tooltips,
 * aria-keyshortcuts, Monaco keybindings — is derived from them.
 */
export interface Chord {
  /** Ctrl, or Cmd on macOS. */
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  /** An upper-case letter `A`…`Z`, or a named key (`F1`…`F12`, `Enter`, `Escape`, …). */
  readonly key: string;
}

export interface KeyPress {
  readonly key: string;
  /** The physical key (`KeyP`): matches letters on layouts whose `key` is not Latin. */
  readonly code?: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

const NAMED_KEYS = new Set([
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
  'Enter',
  'Escape',
  'Backspace',
  'Delete',
  'Insert',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
]);

const MODIFIERS = ['Ctrl', 'Shift', 'Alt'] as const;

/** Parses `Ctrl+Shift+P`; throws on anything else, so a typo in the registry fails its test. */
export function parseChord(label: string): Chord {
  const parts = label.split('+');
  const key = parts.pop() ?? '';
  const mods = new Set(parts);
  if (
    mods.size !== parts.length ||
    parts.some((p) => !(MODIFIERS as readonly string[]).includes(p))
  ) {
    throw new Error(
      `shortcut "${label}": modifiers must be distinct, from ${MODIFIERS.join(', ')}`,
    );
  }
  if (!/^[A-Z]$/.test(key) && !NAMED_KEYS.has(key)) {
    throw new Error(`shortcut "${label}": "${key}" is neither a letter A-Z nor a named key`);
  }
  const chord = { ctrl: mods.has('Ctrl'), shift: mods.has('Shift'), alt: mods.has('Alt'), key };
  if (chordLabel(chord) !== label) {
    throw new Error(`shortcut "${label}" must be written "${chordLabel(chord)}"`);
  }
  return chord;
}

/** The label shown to users, modifiers in a fixed order: `Ctrl+Shift+Alt+K`. */
export function chordLabel(chord: Chord): string {
  return [chord.ctrl && 'Ctrl', chord.shift && 'Shift', chord.alt && 'Alt', chord.key]
    .filter(Boolean)
    .join('+');
}

/** The WAI-ARIA `aria-keyshortcuts` spelling (`Control+Shift+P`). */
export function ariaKeyShortcut(chord: Chord): string {
  return chordLabel(chord).replace(/^Ctrl\b/, 'Control');
}

/** Whether a key press is exactly this chord (Cmd counts as Ctrl; extra modifiers do not match). */
export function chordMatches(chord: Chord, press: KeyPress): boolean {
  if ((press.ctrlKey || press.metaKey) !== chord.ctrl) return false;
  if (press.shiftKey !== chord.shift || press.altKey !== chord.alt) return false;
  return pressedKey(press) === chord.key;
}

/** The key of a press in the registry's spelling: letters upper-case, whatever the layout. */
function pressedKey(press: KeyPress): string {
  if (/^[a-z]$/i.test(press.key)) return press.key.toUpperCase();
  const letter = /^Key([A-Z])$/.exec(press.code ?? '');
  // Alt+Shift+letter may produce another character (or a dead key) on some layouts.
  if (letter?.[1] && press.key.length === 1) return letter[1];
  if (letter?.[1] && press.key === 'Dead') return letter[1];
  return press.key;
}

const MONACO_ARROWS: Readonly<Record<string, string>> = {
  ArrowUp: 'UpArrow',
  ArrowDown: 'DownArrow',
  ArrowLeft: 'LeftArrow',
  ArrowRight: 'RightArrow',
};

/** The name of the chord's key in Monaco's `KeyCode` enum (`KeyP`, `F5`, `UpArrow`). */
export function monacoKeyCodeName(chord: Chord): string {
  if (/^[A-Z]$/.test(chord.key)) return `Key${chord.key}`;
  return MONACO_ARROWS[chord.key] ?? chord.key;
}
