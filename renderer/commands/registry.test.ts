import { describe, expect, it } from 'vitest';
import { chordLabel } from './chord';
import { commandForKey } from './keymap';
import {
  ariaShortcuts,
  COMMAND_CHORDS,
  COMMAND_IDS,
  COMMAND_SPECS,
  commandTooltip,
  shortcutLabel,
} from './registry';

/**
 * Shortcuts a page cannot (reliably) take from the browser or the desktop: Chromium handles the
 * first ones before the page sees them; Ctrl+K starts Monaco's two-key chords.
 */
const RESERVED = [
  'Ctrl+T',
  'Ctrl+N',
  'Ctrl+W',
  'Ctrl+Q',
  'Ctrl+Shift+T',
  'Ctrl+Shift+N',
  'Ctrl+Shift+W',
  'Ctrl+Shift+Q',
  'Ctrl+Shift+I',
  'Ctrl+Shift+J',
  'Ctrl+Shift+C',
  'Ctrl+K',
  'F11',
  'F12',
  'Ctrl+Shift+U',
];

describe('the command registry', () => {
  it('has unique ids and titles', () => {
    expect(new Set(COMMAND_IDS).size).toBe(COMMAND_IDS.length);
    const labels = COMMAND_SPECS.map((s) => `${s.category}: ${s.title}`);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('gives every command at least one well-formed shortcut', () => {
    for (const spec of COMMAND_SPECS) {
      expect(spec.keys.length, spec.id).toBeGreaterThan(0);
      expect(COMMAND_CHORDS.get(spec.id)?.length).toBe(spec.keys.length);
    }
  });

  it('never gives one shortcut to two commands', () => {
    const owners = new Map<string, string>();
    for (const [id, chords] of COMMAND_CHORDS) {
      for (const chord of chords) {
        const label = chordLabel(chord);
        expect(owners.get(label), `${label}: ${owners.get(label)} and ${id}`).toBeUndefined();
        owners.set(label, id);
      }
    }
  });

  it('avoids shortcuts the browser or the desktop keep for themselves', () => {
    const used = COMMAND_SPECS.flatMap((s) => s.keys as readonly string[]);
    expect(used.filter((k) => RESERVED.includes(k))).toEqual([]);
    // Plain letters and Shift+letter would fire while typing in the editor or a field.
    expect(used.filter((k) => /^(Shift\+)?[A-Z]$/.test(k))).toEqual([]);
  });

  it('finds every command by each of its shortcuts', () => {
    for (const [id, chords] of COMMAND_CHORDS) {
      for (const chord of chords) {
        const key = /^[A-Z]$/.test(chord.key) ? chord.key.toLowerCase() : chord.key;
        const press = {
          key,
          ctrlKey: chord.ctrl,
          metaKey: false,
          shiftKey: chord.shift,
          altKey: chord.alt,
        };
        expect(commandForKey(press), chordLabel(chord)).toBe(id);
      }
    }
  });

  it('derives tooltips and aria-keyshortcuts from the specs', () => {
    expect(shortcutLabel('save')).toBe('Ctrl+S');
    expect(commandTooltip('save')).toBe('Save the policy (Ctrl+S)');
    expect(ariaShortcuts('commandPalette')).toBe('Control+Shift+P F1');
  });
});
