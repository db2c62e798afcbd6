import { useEffect, useLayoutEffect } from 'react';
import { startDraftAutosave } from '../state/draft-autosave';
import { browserStorage } from '../state/key-value-storage';
import { loadPreferences, persistPreferences } from '../state/preferences';
import { useStudio } from './studio-context';

/** Theme and pane sizes from the last session, remembered again as they change. */
export function usePreferences(): void {
  const { stores } = useStudio();
  useLayoutEffect(() => {
    const storage = browserStorage();
    if (!storage) return;
    loadPreferences(stores.ui, storage);
    return persistPreferences(stores.ui, storage);
  }, [stores.ui]);
}

/**
 * Unsaved work kept in the page's storage while typing, so that a crash or a closed window does
 * not lose it; when the page goes away the last keystrokes are written at once.
 */
export function useDraftAutosave(): void {
  const { stores } = useStudio();
  useEffect(() => {
    const storage = browserStorage();
    if (!storage) return;
    const autosave = startDraftAutosave({ document: stores.document, ui: stores.ui, storage });
    const flush = (): void => autosave.flush();
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      autosave.stop();
    };
  }, [stores.document, stores.ui]);
}
