import type { Chord } from '../commands/chord';
import { monacoKeyCodeName } from '../commands/chord';
import type { Commands } from '../commands/commands';
import { COMMAND_CHORDS, COMMAND_SPECS } from '../commands/registry';
import { monaco } from './monaco';

const { KeyMod, KeyCode } = monaco;

/** The chord as a Monaco keybinding number (Ctrl means CtrlCmd: Cmd on macOS). */
export function monacoKeybinding(chord: Chord): number {
  const name = monacoKeyCodeName(chord) as keyof typeof KeyCode;
  const code = KeyCode[name];
  if (typeof code !== 'number') throw new Error(`Monaco has no key code ${name}`);
  return (
    (chord.ctrl ? KeyMod.CtrlCmd : 0) |
    (chord.shift ? KeyMod.Shift : 0) |
    (chord.alt ? KeyMod.Alt : 0) |
    code
  );
}

/**
 * The studio's commands inside the editor: while it has focus Monaco handles keys itself, so the
 * shortcuts must be editor actions too (F1 and Ctrl+Shift+P open the studio's palette, which
 * lists every command, rather than Monaco's own list).
 */
export function registerEditorActions(
  editor: monaco.editor.IStandaloneCodeEditor,
  commands: Commands,
): monaco.IDisposable[] {
  return COMMAND_SPECS.map((spec) =>
    editor.addAction({
      id: `sandbox-studio.${spec.id}`,
      label: `${spec.category}: ${spec.title}`,
      keybindings: (COMMAND_CHORDS.get(spec.id) ?? []).map(monacoKeybinding),
      run: () => commands[spec.id](),
    }),
  );
}
