import { describe, expect, it } from 'vitest';
import { memoryStorage } from './key-value-storage';
import {
  loadPreferences,
  parsePreferences,
  persistPreferences,
  PREFERENCES_KEY,
  serializePreferences,
} from './preferences';
import { createUiStore } from './ui-store';

describe('parsePreferences', () => {
  it('reads what serializePreferences wrote', () => {
    const prefs = { themePreference: 'light' as const, paneSizes: { workspace: 0.3 } };
    expect(parsePreferences(serializePreferences(prefs))).toEqual(prefs);
  });

  it('falls back to the defaults for missing or broken data', () => {
    const defaults = { themePreference: 'system', paneSizes: {} };
    expect(parsePreferences(null)).toEqual(defaults);
    expect(parsePreferences('{not json')).toEqual(defaults);
    expect(parsePreferences('[]')).toEqual(defaults);
    expect(parsePreferences('"light"')).toEqual(defaults);
  });

  it('keeps the readable fields of a partly broken record', () => {
    expect(parsePreferences('{"themePreference":"purple","paneSizes":{"workspace":0.4}}')).toEqual({
      themePreference: 'system',
      paneSizes: { workspace: 0.4 },
    });
    expect(
      parsePreferences(
        '{"themePreference":"dark","paneSizes":{"a":0.5,"b":"wide","c":1.5,"d":0,"e":null}}',
      ),
    ).toEqual({ themePreference: 'dark', paneSizes: { a: 0.5 } });
    expect(parsePreferences('{"themePreference":"dark","paneSizes":7}')).toEqual({
      themePreference: 'dark',
      paneSizes: {},
    });
  });
});

describe('loading and persisting', () => {
  it('loads stored preferences into the store and writes them back when they change', () => {
    const storage = memoryStorage({
      [PREFERENCES_KEY]: '{"themePreference":"dark","paneSizes":{"workspace":0.6}}',
    });
    const ui = createUiStore();
    loadPreferences(ui, storage);
    expect(ui.getState()).toMatchObject({ themePreference: 'dark', paneSizes: { workspace: 0.6 } });

    const stop = persistPreferences(ui, storage);
    ui.getState().setPaneSize('workspace', 0.35);
    expect(parsePreferences(storage.getItem(PREFERENCES_KEY))).toEqual({
      themePreference: 'dark',
      paneSizes: { workspace: 0.35 },
    });
    ui.getState().setThemePreference('system');
    expect(parsePreferences(storage.getItem(PREFERENCES_KEY)).themePreference).toBe('system');

    stop();
    ui.getState().setThemePreference('light');
    expect(parsePreferences(storage.getItem(PREFERENCES_KEY)).themePreference).toBe('system');
  });

  it('does not write for changes that are not preferences', () => {
    const storage = memoryStorage();
    const ui = createUiStore();
    persistPreferences(ui, storage);
    ui.getState().notify('info', 'hello');
    ui.getState().openPalette();
    expect(storage.entries.size).toBe(0);
  });

  it('survives a storage that refuses writes', () => {
    const ui = createUiStore();
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    persistPreferences(ui, full);
    expect(() => ui.getState().setThemePreference('dark')).not.toThrow();
  });
});
