import { useCallback, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { clampFraction, MAX_FRACTION, MIN_FRACTION, splitterKeyTarget } from './split-fraction';
import { useStudio, useUi } from './studio-context';

export interface SplitterOptions {
  /** The pane's id: its size is remembered under it (ui-store paneSizes, kept across sessions). */
  readonly pane: string;
  /** The first pane's share when the user never moved the splitter. */
  readonly initial: number;
  /** `horizontal` panes sit side by side (a vertical splitter bar); `vertical` ones are stacked. */
  readonly orientation?: 'horizontal' | 'vertical';
}

export interface Splitter {
  readonly container: RefObject<HTMLElement | null>;
  readonly fraction: number;
  /** The grid template for the container: first pane, the 6px handle, second pane. */
  readonly style: CSSProperties;
  /** Spread on the handle element: ARIA separator attributes and the pointer/keyboard handlers. */
  readonly handleProps: {
    role: 'separator';
    tabIndex: 0;
    'aria-orientation': 'vertical' | 'horizontal';
    'aria-valuenow': number;
    'aria-valuemin': number;
    'aria-valuemax': number;
    onPointerDown: (e: React.PointerEvent<HTMLElement>) => void;
    onKeyDown: (e: React.KeyboardEvent<HTMLElement>) => void;
    onDoubleClick: () => void;
  };
}

/**
 * A draggable, keyboard-movable split between two panes (arrows move it, Home/End go to the
 * limits, a double click restores the default). The size is kept in the UI store, which
 * remembers it across sessions; while dragging only this component re-renders.
 */
export function useSplitter({
  pane,
  initial,
  orientation = 'horizontal',
}: SplitterOptions): Splitter {
  const { stores } = useStudio();
  const container = useRef<HTMLElement>(null);
  const stored = useUi((s) => s.paneSizes[pane]);
  const [dragging, setDragging] = useState<number | null>(null);
  const fraction = clampFraction(dragging ?? stored ?? initial);
  const horizontal = orientation === 'horizontal';

  const commit = useCallback(
    (value: number) => stores.ui.getState().setPaneSize(pane, clampFraction(value)),
    [stores.ui, pane],
  );

  const onPointerDown = useCallback(
    (event: React.PointerEvent<HTMLElement>) => {
      const box = container.current?.getBoundingClientRect();
      if (!box || event.button !== 0) return;
      event.preventDefault();
      const handle = event.currentTarget;
      handle.setPointerCapture(event.pointerId);
      let latest: number | null = null;
      const onMove = (move: PointerEvent): void => {
        latest = clampFraction(
          horizontal
            ? (move.clientX - box.left) / box.width
            : (move.clientY - box.top) / box.height,
        );
        setDragging(latest);
      };
      const onUp = (): void => {
        handle.removeEventListener('pointermove', onMove);
        handle.removeEventListener('pointerup', onUp);
        handle.removeEventListener('pointercancel', onUp);
        if (latest !== null) commit(latest);
        setDragging(null);
      };
      handle.addEventListener('pointermove', onMove);
      handle.addEventListener('pointerup', onUp);
      handle.addEventListener('pointercancel', onUp);
    },
    [commit, horizontal],
  );

  const onKeyDown = useCallback(
    (event: React.KeyboardEvent<HTMLElement>) => {
      const next = splitterKeyTarget(event.key, fraction, horizontal);
      if (next === null) return;
      event.preventDefault();
      commit(next);
    },
    [commit, fraction, horizontal],
  );

  const first = `minmax(0, ${fraction}fr)`;
  const second = `minmax(0, ${1 - fraction}fr)`;
  const template = `${first} 6px ${second}`;
  return {
    container,
    fraction,
    style: horizontal ? { gridTemplateColumns: template } : { gridTemplateRows: template },
    handleProps: {
      role: 'separator',
      tabIndex: 0,
      // A separator's orientation is that of the bar: side-by-side panes have a vertical bar.
      'aria-orientation': horizontal ? 'vertical' : 'horizontal',
      'aria-valuenow': Math.round(fraction * 100),
      'aria-valuemin': Math.round(MIN_FRACTION * 100),
      'aria-valuemax': Math.round(MAX_FRACTION * 100),
      onPointerDown,
      onKeyDown,
      onDoubleClick: () => commit(initial),
    },
  };
}
