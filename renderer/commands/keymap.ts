/** The studio's commands, each reachable from the toolbar, a shortcut and the editor. */
export type CommandId =
  'open' | 'save' | 'saveAs' | 'learn' | 'check' | 'enforce' | 'stop' | 'allowObserved';

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** Shortcut labels as shown in tooltips. */
export const SHORTCUT_LABELS: Readonly<Partial<Record<CommandId, string>>> = {
  open: 'Ctrl+O',
  save: 'Ctrl+S',
  saveAs: 'Ctrl+Shift+S',
  learn: 'F5',
  check: 'F6',
  enforce: 'F7',
  stop: 'Shift+F5',
};

/** The command a key press means, if any (Cmd counts as Ctrl on macOS). */
export function commandForKey(press: KeyPress): CommandId | undefined {
  if (press.altKey) return undefined;
  const ctrl = press.ctrlKey || press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (ctrl) {
    if (key === 'o' && !press.shiftKey) return 'open';
    if (key === 's') return press.shiftKey ? 'saveAs' : 'save';
    return undefined;
  }
  if (key === 'F5') return press.shiftKey ? 'stop' : 'learn';
  if (key === 'F6' && !press.shiftKey) return 'check';
  if (key === 'F7' && !press.shiftKey) return 'enforce';
  return undefined;
}
