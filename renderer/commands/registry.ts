import { ariaKeyShortcut, parseChord, type Chord } from './chord';

export type CommandCategory = 'File' | 'Run' | 'Policy' | 'View';

export interface CommandSpec {
  readonly id: string;
  /** What the palette lists (after the category) and the editor's own command list shows. */
  readonly title: string;
  readonly category: CommandCategory;
  /** Shortcuts, the first one shown in tooltips; every command has at least one. */
  readonly keys: readonly [string, ...string[]];
  /** A sentence for tooltips. */
  readonly hint: string;
}

/**
 * Every command of the studio, in the order the palette lists them. The toolbar's tooltips, the
 * palette, the global shortcuts and the editor's keybindings all come from here. The shortcuts
 * avoid Monaco's own keybindings (e2e/quality.e2e.test.ts checks them against the installed
 * Monaco; F7 is Monaco's next-highlight, so Enforce is F9) and the browser's reserved ones
 * (registry.test.ts); F1 deliberately replaces Monaco's command list with the studio's palette.
 */
export const COMMAND_SPECS = [
  {
    id: 'commandPalette',
    title: 'Show All Commands',
    category: 'View',
    keys: ['Ctrl+Shift+P', 'F1'],
    hint: 'Search every command and run it',
  },
  {
    id: 'open',
    title: 'Open Policy…',
    category: 'File',
    keys: ['Ctrl+O'],
    hint: 'Open a policy file',
  },
  {
    id: 'save',
    title: 'Save Policy',
    category: 'File',
    keys: ['Ctrl+S'],
    hint: 'Save the policy',
  },
  {
    id: 'saveAs',
    title: 'Save Policy As…',
    category: 'File',
    keys: ['Ctrl+Shift+S'],
    hint: 'Save the policy under another name',
  },
  {
    id: 'restoreDraft',
    title: 'Restore Recovered Unsaved Changes',
    category: 'File',
    keys: ['Shift+Alt+R'],
    hint: 'Bring back the unsaved changes kept from the last session',
  },
  {
    id: 'discardDraft',
    title: 'Discard Recovered Unsaved Changes',
    category: 'File',
    keys: ['Shift+Alt+D'],
    hint: 'Forget the unsaved changes kept from the last session',
  },
  {
    id: 'learn',
    title: 'Learn',
    category: 'Run',
    keys: ['F5'],
    hint: 'Run the target and record every syscall the policy does not allow yet',
  },
  {
    id: 'check',
    title: 'Check',
    category: 'Run',
    keys: ['F6'],
    hint: 'Run the target under the policy and report what it denies',
  },
  {
    id: 'enforce',
    title: 'Enforce',
    category: 'Run',
    keys: ['F9'],
    hint: 'Run the target under the policy exactly as deployed; the kernel acts alone, denials come from its audit log',
  },
  {
    id: 'stop',
    title: 'Stop',
    category: 'Run',
    keys: ['Shift+F5'],
    hint: 'Stop the run',
  },
  {
    id: 'allowObserved',
    title: 'Allow Observed Syscalls',
    category: 'Policy',
    keys: ['Ctrl+Shift+Y'],
    hint: 'Add the syscalls the last run observed to the allow rules',
  },
  {
    id: 'cycleTheme',
    title: 'Switch Color Theme (System, Light, Dark)',
    category: 'View',
    keys: ['Shift+Alt+T'],
    hint: 'Follow the system, or stay light or dark',
  },
  {
    id: 'focusEditor',
    title: 'Focus the Policy Editor',
    category: 'View',
    keys: ['Ctrl+Shift+E'],
    hint: 'Move the keyboard focus into the policy editor',
  },
  {
    id: 'focusEventFilter',
    title: 'Focus the Event Filter',
    category: 'View',
    keys: ['Ctrl+Shift+F'],
    hint: "Move the keyboard focus to the filter of the run's events",
  },
  {
    id: 'resetLayout',
    title: 'Reset Pane Sizes',
    category: 'View',
    keys: ['Shift+Alt+L'],
    hint: 'Give every resizable pane its original size back',
  },
  {
    id: 'dismissNotices',
    title: 'Dismiss Notifications',
    category: 'View',
    keys: ['Shift+Alt+N'],
    hint: 'Close every notification',
  },
  {
    id: 'auditProcess',
    title: 'Audit a Process…',
    category: 'View',
    keys: ['Shift+Alt+P'],
    hint: 'Pick a running process: see its sandbox posture and decompile its seccomp filters',
  },
  {
    id: 'exportPolicy',
    title: 'Export Policy…',
    category: 'File',
    keys: ['Shift+Alt+X'],
    hint: "Show the policy in another tool's format (OCI, Kubernetes, systemd, Minijail, BPF, C)",
  },
  {
    id: 'importPolicy',
    title: 'Import Policy…',
    category: 'File',
    keys: ['Shift+Alt+M'],
    hint: "Turn another tool's policy, an strace log or a raw BPF filter into a policy",
  },
  {
    id: 'lessons',
    title: 'Lessons',
    category: 'View',
    keys: ['Shift+Alt+G'],
    hint: 'Guided exercises: sandbox small programs step by step until the goal is met',
  },
] as const satisfies readonly CommandSpec[];

export type CommandId = (typeof COMMAND_SPECS)[number]['id'];

export const COMMAND_IDS: readonly CommandId[] = COMMAND_SPECS.map((s) => s.id);

const BY_ID = new Map<string, CommandSpec>(COMMAND_SPECS.map((s) => [s.id, s]));

export function commandSpec(id: CommandId): CommandSpec {
  const spec = BY_ID.get(id);
  if (!spec) throw new Error(`no command "${id}"`);
  return spec;
}

/** Each command's chords, parsed once. */
export const COMMAND_CHORDS: ReadonlyMap<CommandId, readonly Chord[]> = new Map(
  COMMAND_SPECS.map((s) => [s.id, s.keys.map(parseChord)]),
);

/** The first shortcut's label, for tooltips: `Ctrl+S`. */
export function shortcutLabel(id: CommandId): string {
  return commandSpec(id).keys[0];
}

/** "Save the policy (Ctrl+S)". */
export function commandTooltip(id: CommandId): string {
  return `${commandSpec(id).hint} (${shortcutLabel(id)})`;
}

/** Every shortcut of a command in `aria-keyshortcuts` form: "Control+Shift+P F1". */
export function ariaShortcuts(id: CommandId): string {
  return (COMMAND_CHORDS.get(id) ?? []).map(ariaKeyShortcut).join(' ');
}
