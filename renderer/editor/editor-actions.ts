import type { Commands } from '../commands/commands';
import type { CommandId } from '../commands/keymap';
import { monaco } from './monaco';

const { KeyMod, KeyCode } = monaco;

interface ActionSpec {
  readonly id: CommandId;
  readonly label: string;
  readonly keybindings: readonly number[];
}

const ACTIONS: readonly ActionSpec[] = [
  { id: 'open', label: 'Open Policy…', keybindings: [KeyMod.CtrlCmd | KeyCode.KeyO] },
  { id: 'save', label: 'Save Policy', keybindings: [KeyMod.CtrlCmd | KeyCode.KeyS] },
  {
    id: 'saveAs',
    label: 'Save Policy As…',
    keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyS],
  },
  { id: 'learn', label: 'Run: Learn', keybindings: [KeyCode.F5] },
  { id: 'check', label: 'Run: Check', keybindings: [KeyCode.F6] },
  { id: 'stop', label: 'Run: Stop', keybindings: [KeyMod.Shift | KeyCode.F5] },
  { id: 'allowObserved', label: 'Allow Observed Syscalls', keybindings: [] },
];

/**
 * The studio's commands inside the editor: while it has focus Monaco handles keys itself, so the
 * shortcuts must be editor actions too (they also appear in its command palette, F1).
 */
export function registerEditorActions(
  editor: monaco.editor.IStandaloneCodeEditor,
  commands: Commands,
): monaco.IDisposable[] {
  return ACTIONS.map((action) =>
    editor.addAction({
      id: `sandbox-studio.${action.id}`,
      label: `Sandbox Studio: ${action.label}`,
      keybindings: [...action.keybindings],
      run: () => commands[action.id](),
    }),
  );
}
