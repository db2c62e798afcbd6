import { useCallback, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { clampFraction } from './split-fraction';

const KEY_STEP = 0.02;

/** A draggable (and keyboard-movable) split between the editor and the run panel. */
export function useSplitter(initial = 0.46): {
  container: RefObject<HTMLElement | null>;
  fraction: number;
  style: CSSProperties;
  handlers: {
    onPointerDown: (e: React.PointerEvent<HTMLElement>) => void;
    onKeyDown: (e: React.KeyboardEvent<HTMLElement>) => void;
  };
} {
  const container = useRef<HTMLElement>(null);
  const [fraction, setFraction] = useState(initial);

  const onPointerDown = useCallback((event: React.PointerEvent<HTMLElement>) => {
    const box = container.current?.getBoundingClientRect();
    if (!box) return;
    event.preventDefault();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const onMove = (move: PointerEvent): void =>
      setFraction(clampFraction((move.clientX - box.left) / box.width));
    const onUp = (): void => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
  }, []);

  const onKeyDown = useCallback((event: React.KeyboardEvent<HTMLElement>) => {
    const delta = event.key === 'ArrowLeft' ? -KEY_STEP : event.key === 'ArrowRight' ? KEY_STEP : 0;
    if (delta === 0) return;
    event.preventDefault();
    setFraction((f) => clampFraction(f + delta));
  }, []);

  return {
    container,
    fraction,
    style: { gridTemplateColumns: `minmax(0, ${fraction}fr) 6px minmax(0, ${1 - fraction}fr)` },
    handlers: { onPointerDown, onKeyDown },
  };
}
