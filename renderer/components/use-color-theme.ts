import { useLayoutEffect } from 'react';
import { applyEditorTheme } from '../editor/theme';
import { selectColorTheme } from '../state/ui-store';
import { useStudio, useUi } from './studio-context';

const LIGHT_QUERY = '(prefers-color-scheme: light)';

/**
 * Follows the system's color scheme live and applies the theme in effect to the page
 * (`<html data-theme>`, read by styles/theme.css) and to Monaco. Layout effects: the first paint
 * already has the right colors.
 */
export function useColorTheme(): void {
  const { stores } = useStudio();
  useLayoutEffect(() => {
    const query = window.matchMedia(LIGHT_QUERY);
    const update = (): void =>
      stores.ui.getState().setSystemTheme(query.matches ? 'light' : 'dark');
    update();
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, [stores.ui]);

  const preference = useUi((s) => s.themePreference);
  const theme = useUi(selectColorTheme);
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
    applyEditorTheme(preference, theme);
  }, [preference, theme]);
}
