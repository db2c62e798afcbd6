import { chordMatches, type KeyPress } from './chord';
import { COMMAND_CHORDS, COMMAND_SPECS, type CommandId } from './registry';

export type { CommandId } from './registry';
export type { KeyPress } from './chord';

/** Shortcut labels as shown in tooltips (the first shortcut of each command). */
export const SHORTCUT_LABELS: Readonly<Record<CommandId, string>> = Object.fromEntries(
  COMMAND_SPECS.map((s) => [s.id, s.keys[0]]),
) as Record<CommandId, string>;

/** The command a key press means, if any (Cmd counts as Ctrl on macOS). */
export function commandForKey(press: KeyPress): CommandId | undefined {
  for (const [id, chords] of COMMAND_CHORDS) {
    if (chords.some((chord) => chordMatches(chord, press))) return id;
  }
  return undefined;
}
