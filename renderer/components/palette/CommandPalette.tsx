import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { commandForKey } from '../../commands/keymap';
import { highlightSegments, paletteItems, type PaletteItem } from '../../commands/palette-items';
import { useAvailability, useStudio, useUi } from '../studio-context';

const PAGE = 8;

/** The command palette (Ctrl+Shift+P, F1): every command, found by typing part of its name. */
export function CommandPalette() {
  const open = useUi((s) => s.paletteOpen);
  return open ? <PaletteDialog /> : null;
}

/**
 * A modal combobox (WAI-ARIA combobox + listbox pattern): the input keeps the focus, arrows move
 * the active option, Enter runs it, Escape (or a click outside) closes and the focus goes back to
 * where it was.
 */
function PaletteDialog() {
  const { stores, commands } = useStudio();
  const availability = useAvailability();
  const recent = useUi((s) => s.recentCommands);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const items = useMemo(
    () => paletteItems({ query, availability, recent }),
    [query, availability, recent],
  );
  const activeIndex = Math.min(active, items.length - 1);
  const optionId = (item: PaletteItem): string => `${listId}-${item.id}`;
  const activeItem = items[activeIndex];

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    input.current?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  useEffect(() => {
    if (activeItem)
      document.getElementById(optionId(activeItem))?.scrollIntoView({ block: 'nearest' });
  });

  const close = (): void => stores.ui.getState().closePalette();
  const run = (item: PaletteItem | undefined): void => {
    if (!item?.available) return;
    close();
    stores.ui.getState().commandRan(item.id);
    void commands[item.id]();
  };
  const move = (to: number): void => {
    if (items.length === 0) return;
    setActive(((to % items.length) + items.length) % items.length);
  };

  const onKeyDown = (event: React.KeyboardEvent): void => {
    // The palette's own shortcut (Ctrl+Shift+P, F1) closes it again.
    if (commandForKey(event) === 'commandPalette') {
      event.preventDefault();
      close();
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        move(activeIndex + 1);
        break;
      case 'ArrowUp':
        move(activeIndex - 1);
        break;
      case 'PageDown':
        move(Math.min(activeIndex + PAGE, items.length - 1));
        break;
      case 'PageUp':
        move(Math.max(activeIndex - PAGE, 0));
        break;
      case 'Enter':
        run(activeItem);
        break;
      case 'Escape':
        close();
        break;
      case 'Tab':
        // The palette is modal and has one control: Tab stays in it.
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      className="palette-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={input}
          className="palette-input"
          type="text"
          role="combobox"
          aria-label="Command to run"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeItem ? optionId(activeItem) : undefined}
          placeholder="Type a command, e.g. learn, save, theme"
          spellCheck={false}
          autoComplete="off"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} className="palette-list" role="listbox" aria-label="Commands">
          {items.map((item, index) => (
            <li
              key={item.id}
              id={optionId(item)}
              role="option"
              aria-selected={index === activeIndex}
              aria-disabled={item.available ? undefined : true}
              className={`palette-option${index === activeIndex ? ' active' : ''}${item.available ? '' : ' unavailable'}`}
              title={item.available ? undefined : 'Not available now'}
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => index !== activeIndex && setActive(index)}
              onClick={() => run(item)}
            >
              <PaletteLabel item={item} />
              <span className="palette-keys">
                {item.shortcuts.map((key) => (
                  <kbd key={key}>{key}</kbd>
                ))}
              </span>
            </li>
          ))}
        </ul>
        {items.length === 0 ? <p className="palette-empty">No command matches “{query}”</p> : null}
        <p className="visually-hidden" role="status">
          {items.length === 1 ? '1 command' : `${items.length} commands`}
        </p>
      </div>
    </div>
  );
}

function PaletteLabel({ item }: { item: PaletteItem }) {
  const titleOffset = item.category.length + 2;
  return (
    <span className="palette-label">
      <span className="palette-category">
        <Highlighted text={`${item.category}: `} item={item} offset={0} />
      </span>
      <Highlighted text={item.title} item={item} offset={titleOffset} />
    </span>
  );
}

function Highlighted({ text, item, offset }: { text: string; item: PaletteItem; offset: number }) {
  return (
    <>
      {highlightSegments(text, item.ranges, offset).map((segment, i) =>
        segment.matched ? <mark key={i}>{segment.text}</mark> : <span key={i}>{segment.text}</span>,
      )}
    </>
  );
}
