import { z } from 'zod';
import { readItem, writeItem, type KeyValueStorage } from './key-value-storage';
import type { ThemePreference, UiState, UiStore } from './ui-store';

/** What the studio remembers between sessions about its look (not the document: see draft.ts). */
export interface Preferences {
  readonly themePreference: ThemePreference;
  readonly paneSizes: Readonly<Record<string, number>>;
}

export const PREFERENCES_KEY = 'sandbox-studio.preferences';

const DEFAULTS: Preferences = { themePreference: 'system', paneSizes: {} };

const fraction = z.number().gt(0).lt(1);
const stored = z.object({
  themePreference: z.enum(['system', 'light', 'dark']).catch(DEFAULTS.themePreference),
  paneSizes: z.record(z.string(), z.unknown()).catch({}),
});

/**
 * Reads stored preferences; anything unreadable (another version's format, a hand edit) falls
 * back to the defaults field by field instead of breaking the start.
 */
export function parsePreferences(raw: string | null): Preferences {
  if (raw === null) return DEFAULTS;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return DEFAULTS;
  }
  const parsed = stored.safeParse(json);
  if (!parsed.success) return DEFAULTS;
  const paneSizes = Object.fromEntries(
    Object.entries(parsed.data.paneSizes).filter(([, v]) => fraction.safeParse(v).success),
  ) as Record<string, number>;
  return { themePreference: parsed.data.themePreference, paneSizes };
}

export function serializePreferences(p: Preferences): string {
  return JSON.stringify({ themePreference: p.themePreference, paneSizes: p.paneSizes });
}

/** Puts the stored preferences into the UI store. */
export function loadPreferences(store: UiStore, storage: KeyValueStorage): void {
  const { themePreference, paneSizes } = parsePreferences(readItem(storage, PREFERENCES_KEY));
  store.setState({ themePreference, paneSizes });
}

/** Writes the preferences whenever they change; returns the unsubscribe function. */
export function persistPreferences(store: UiStore, storage: KeyValueStorage): () => void {
  return store.subscribe((state, previous) => {
    if (!preferencesChanged(state, previous)) return;
    writeItem(storage, PREFERENCES_KEY, serializePreferences(state));
  });
}

function preferencesChanged(a: UiState, b: UiState): boolean {
  return a.themePreference !== b.themePreference || a.paneSizes !== b.paneSizes;
}
