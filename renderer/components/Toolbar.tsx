import type { CommandId } from '../commands/keymap';
import { SHORTCUT_LABELS } from '../commands/keymap';
import { Icon, type IconName } from './icons';
import { useAvailability, useCommands } from './studio-context';

interface ButtonSpec {
  readonly id: CommandId;
  /** The accessible name: tests and screen readers find buttons by it. */
  readonly label: string;
  readonly icon: IconName;
  readonly hint: string;
  readonly tone?: 'primary' | 'danger';
}

const FILE_BUTTONS: readonly ButtonSpec[] = [
  { id: 'open', label: 'Open', icon: 'open', hint: 'Open a policy file' },
  { id: 'save', label: 'Save', icon: 'save', hint: 'Save the policy (Ctrl+Shift+S: save as)' },
];

const RUN_BUTTONS: readonly ButtonSpec[] = [
  {
    id: 'learn',
    label: 'Learn',
    icon: 'learn',
    hint: 'Run the target and record every syscall the policy does not allow yet',
  },
  {
    id: 'check',
    label: 'Check',
    icon: 'check',
    hint: 'Run the target under the policy and report what it denies',
    tone: 'primary',
  },
  {
    id: 'enforce',
    label: 'Enforce',
    icon: 'enforce',
    hint: 'Run the target under the policy exactly as deployed; the kernel acts alone, denials come from its audit log',
  },
  { id: 'stop', label: 'Stop', icon: 'stop', hint: 'Stop the run', tone: 'danger' },
];

const EDIT_BUTTONS: readonly ButtonSpec[] = [
  {
    id: 'allowObserved',
    label: 'Allow observed',
    icon: 'allow',
    hint: 'Add the syscalls the last run observed to the allow rules',
  },
];

export function Toolbar() {
  return (
    <header className="toolbar" role="toolbar" aria-label="Studio commands">
      <div className="brand">
        <Icon name="shield" />
        <span>Sandbox Studio</span>
      </div>
      <ButtonGroup buttons={FILE_BUTTONS} />
      <ButtonGroup buttons={RUN_BUTTONS} />
      <ButtonGroup buttons={EDIT_BUTTONS} />
    </header>
  );
}

function ButtonGroup({ buttons }: { buttons: readonly ButtonSpec[] }) {
  const available = useAvailability();
  const commands = useCommands();
  return (
    <div className="toolbar-group">
      {buttons.map((b) => {
        const shortcut = SHORTCUT_LABELS[b.id];
        return (
          <button
            key={b.id}
            type="button"
            className={`tool-button${b.tone ? ` tone-${b.tone}` : ''}`}
            disabled={!available[b.id]}
            title={shortcut ? `${b.hint} (${shortcut})` : b.hint}
            aria-keyshortcuts={shortcut?.replace('Ctrl', 'Control')}
            onClick={() => void commands[b.id]()}
          >
            <Icon name={b.icon} />
            <span>{b.label}</span>
          </button>
        );
      })}
    </div>
  );
}
