import {
  useCallback,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
} from 'react';
import { browserStorage, readItem, writeItem } from '../../state/key-value-storage';
import { useStudio, useUi } from '../studio-context';

/** Where the panel's open state is remembered (its width is a pane size of the UI store). */
const OPEN_KEY = 'sandbox-studio.filter-panel.open';
const PANE = 'filter-panel';
const INITIAL = 0.5;
const MIN = 0.25;
const MAX = 0.75;
const KEY_STEP = 0.02;

export function clampPanelShare(share: number): number {
  if (!Number.isFinite(share)) return INITIAL;
  return Math.min(MAX, Math.max(MIN, share));
}

/** Whether the panel is open, remembered across sessions (closed at first). */
export function usePanelOpen(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(() => {
    const storage = browserStorage();
    return storage !== null && readItem(storage, OPEN_KEY) === 'true';
  });
  const update = useCallback((value: boolean) => {
    setOpen(value);
    const storage = browserStorage();
    if (storage) writeItem(storage, OPEN_KEY, value ? 'true' : null);
  }, []);
  return [open, update];
}

export interface PanelWidth {
  /** The panel's share of the editor pane. */
  readonly share: number;
  readonly style: CSSProperties;
  /** Shows a share while dragging, without remembering it. */
  preview(share: number): void;
  /** Sets and remembers a share. */
  set(share: number): void;
}

/** The panel's share of the editor pane's width, kept in the UI store's pane sizes. */
export function usePanelWidth(): PanelWidth {
  const { stores } = useStudio();
  const stored = useUi((s) => s.paneSizes[PANE]);
  const [dragging, setDragging] = useState<number | null>(null);
  const share = clampPanelShare(dragging ?? stored ?? INITIAL);
  const set = useCallback(
    (value: number) => {
      setDragging(null);
      stores.ui.getState().setPaneSize(PANE, clampPanelShare(value));
    },
    [stores.ui],
  );
  return {
    share,
    style: { flex: `0 0 ${(share * 100).toFixed(2)}%` },
    preview: setDragging,
    set,
  };
}

/** The handle on the panel's left edge: drag it, or use the arrow keys. */
export function PanelResizer({
  width,
  panel,
}: {
  width: PanelWidth;
  panel: RefObject<HTMLElement | null>;
}) {
  const shareAt = (clientX: number): number | null => {
    const pane = panel.current?.parentElement?.getBoundingClientRect();
    if (!pane || pane.width === 0) return null;
    return clampPanelShare((pane.right - clientX) / pane.width);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    if (event.button !== 0) return;
    event.preventDefault();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    let latest: number | null = null;
    const onMove = (move: globalThis.PointerEvent): void => {
      latest = shareAt(move.clientX);
      if (latest !== null) width.preview(latest);
    };
    const onUp = (): void => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.removeEventListener('pointercancel', onUp);
      if (latest !== null) width.set(latest);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    handle.addEventListener('pointercancel', onUp);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.key === 'ArrowLeft' ? KEY_STEP : event.key === 'ArrowRight' ? -KEY_STEP : 0;
    if (step === 0) return;
    event.preventDefault();
    width.set(width.share + step);
  };
  return (
    <div
      className="filter-panel-resizer"
      role="separator"
      tabIndex={0}
      aria-orientation="vertical"
      aria-label="Resize the compiled filter panel"
      aria-valuenow={Math.round(width.share * 100)}
      aria-valuemin={MIN * 100}
      aria-valuemax={MAX * 100}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => width.set(INITIAL)}
    />
  );
}
