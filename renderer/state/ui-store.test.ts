import { describe, expect, it } from 'vitest';
import { createUiStore, nextThemePreference, selectColorTheme } from './ui-store';

describe('the UI store', () => {
  it('opens and closes the palette and remembers recent commands, most recent first', () => {
    const ui = createUiStore().getState;
    ui().openPalette();
    expect(ui().paletteOpen).toBe(true);
    ui().closePalette();
    expect(ui().paletteOpen).toBe(false);
    for (const id of ['learn', 'check', 'learn', 'open', 'save', 'saveAs', 'stop'] as const) {
      ui().commandRan(id);
    }
    expect(ui().recentCommands).toEqual(['stop', 'saveAs', 'save', 'open', 'learn']);
  });

  it('remembers pane sizes by pane, ignoring non-numbers, and resets them', () => {
    const store = createUiStore();
    store.getState().setPaneSize('workspace', 0.3);
    store.getState().setPaneSize('filter', 0.7);
    store.getState().setPaneSize('filter', Number.NaN);
    expect(store.getState().paneSizes).toEqual({ workspace: 0.3, filter: 0.7 });
    const before = store.getState().paneSizes;
    store.getState().setPaneSize('workspace', 0.3);
    expect(store.getState().paneSizes).toBe(before);
    store.getState().resetPaneSizes();
    expect(store.getState().paneSizes).toEqual({});
  });

  it('numbers focus requests so that the same target twice is two requests', () => {
    const ui = createUiStore().getState;
    ui().requestFocus('editor');
    const first = ui().focusRequest;
    ui().requestFocus('editor');
    expect(ui().focusRequest).toEqual({ target: 'editor', seq: 2 });
    expect(ui().focusRequest).not.toBe(first);
  });

  it('dismisses every notice at once', () => {
    const ui = createUiStore().getState;
    ui().notify('error', 'a');
    ui().notify('info', 'b');
    ui().dismissAllNotices();
    expect(ui().notices).toEqual([]);
  });
});

describe('color themes', () => {
  it('follows the system unless the user pinned a theme', () => {
    expect(selectColorTheme({ themePreference: 'system', systemTheme: 'light' })).toBe('light');
    expect(selectColorTheme({ themePreference: 'system', systemTheme: 'dark' })).toBe('dark');
    expect(selectColorTheme({ themePreference: 'dark', systemTheme: 'light' })).toBe('dark');
    expect(selectColorTheme({ themePreference: 'light', systemTheme: 'dark' })).toBe('light');
  });

  it('switches first to the theme the system is not showing, then pins, then follows again', () => {
    const cycle = (systemTheme: 'light' | 'dark') => {
      const seen: string[] = [];
      let themePreference: 'system' | 'light' | 'dark' = 'system';
      for (let i = 0; i < 3; i++) {
        themePreference = nextThemePreference({ themePreference, systemTheme });
        seen.push(themePreference);
      }
      return seen;
    };
    expect(cycle('dark')).toEqual(['light', 'dark', 'system']);
    expect(cycle('light')).toEqual(['dark', 'light', 'system']);
  });

  it('records the system theme only when it changes', () => {
    const store = createUiStore();
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().setSystemTheme('dark');
    store.getState().setSystemTheme('light');
    expect(updates).toBe(1);
    expect(store.getState().systemTheme).toBe('light');
  });
});
