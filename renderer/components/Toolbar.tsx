import { ariaShortcuts, commandTooltip, type CommandId } from '../commands/registry';
import { selectColorTheme, type ThemePreference } from '../state/ui-store';
import { Icon, type IconName } from './icons';
import { useAvailability, useCommands, useUi } from './studio-context';

interface ButtonSpec {
  readonly id: CommandId;
  /** The accessible name: tests and screen readers find buttons by it. */
  readonly label: string;
  readonly icon: IconName;
  readonly tone?: 'primary' | 'danger';
}

const FILE_BUTTONS: readonly ButtonSpec[] = [
  { id: 'open', label: 'Open', icon: 'open' },
  { id: 'save', label: 'Save', icon: 'save' },
];

const RUN_BUTTONS: readonly ButtonSpec[] = [
  { id: 'learn', label: 'Learn', icon: 'learn' },
  { id: 'check', label: 'Check', icon: 'check', tone: 'primary' },
  { id: 'enforce', label: 'Enforce', icon: 'enforce' },
  { id: 'stop', label: 'Stop', icon: 'stop', tone: 'danger' },
];

const EDIT_BUTTONS: readonly ButtonSpec[] = [
  { id: 'allowObserved', label: 'Allow observed', icon: 'allow' },
  { id: 'auditProcess', label: 'Audit', icon: 'shield' },
];

export function Toolbar() {
  return (
    <header className="toolbar">
      <h1 className="brand">
        <Icon name="shield" />
        <span>Sandbox Studio</span>
      </h1>
      <div className="toolbar-commands" role="toolbar" aria-label="Studio commands">
        <ButtonGroup buttons={FILE_BUTTONS} />
        <ButtonGroup buttons={RUN_BUTTONS} />
        <ButtonGroup buttons={EDIT_BUTTONS} />
        <div className="toolbar-spacer" />
        <div className="toolbar-group">
          <CommandButton id="lessons" icon="lessons" label="Lessons" />
        </div>
        <div className="toolbar-group">
          <ThemeButton />
          <CommandButton id="commandPalette" icon="commands" label="Commands" iconOnly />
        </div>
      </div>
    </header>
  );
}

function ButtonGroup({ buttons }: { buttons: readonly ButtonSpec[] }) {
  return (
    <div className="toolbar-group">
      {buttons.map((b) => (
        <CommandButton key={b.id} {...b} />
      ))}
    </div>
  );
}

/** A toolbar button for a command: its tooltip and shortcuts come from the command registry. */
function CommandButton({
  id,
  label,
  icon,
  tone,
  iconOnly,
}: ButtonSpec & { readonly iconOnly?: boolean }) {
  const available = useAvailability();
  const commands = useCommands();
  return (
    <button
      type="button"
      className={`tool-button${tone ? ` tone-${tone}` : ''}${iconOnly ? ' icon-only' : ''}`}
      disabled={!available[id]}
      title={commandTooltip(id)}
      aria-label={iconOnly ? label : undefined}
      aria-keyshortcuts={ariaShortcuts(id)}
      onClick={() => void commands[id]()}
    >
      <Icon name={icon} />
      {iconOnly ? null : <span>{label}</span>}
    </button>
  );
}

const THEME_ICON: Readonly<Record<ThemePreference, IconName>> = {
  system: 'theme-system',
  light: 'theme-light',
  dark: 'theme-dark',
};

/** Shows the theme choice and switches it (system → the other theme → pinned → system). */
function ThemeButton() {
  const commands = useCommands();
  const preference = useUi((s) => s.themePreference);
  const theme = useUi(selectColorTheme);
  const state =
    preference === 'system'
      ? `follows the system (${theme} now)`
      : `${preference}, not following the system`;
  return (
    <button
      type="button"
      className="tool-button icon-only"
      title={`Color theme: ${state}. ${commandTooltip('cycleTheme')}`}
      aria-label={`Color theme: ${state}`}
      aria-keyshortcuts={ariaShortcuts('cycleTheme')}
      data-theme-preference={preference}
      onClick={() => void commands.cycleTheme()}
    >
      <Icon name={THEME_ICON[preference]} />
    </button>
  );
}
