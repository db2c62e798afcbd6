import { monaco } from './monaco';

export const DARK_THEME = 'sandbox-studio-dark';
export const LIGHT_THEME = 'sandbox-studio-light';

let defined = false;

/** Editor themes that sit on the app's own surface colors (see styles/theme.css). */
export function defineThemes(): void {
  if (defined) return;
  defined = true;
  monaco.editor.defineTheme(DARK_THEME, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'type', foreground: '7cc4fa' },
      { token: 'string', foreground: 'a5d6a7' },
      { token: 'number', foreground: 'f5c187' },
      { token: 'comment', foreground: '8b95a5', fontStyle: 'italic' },
      { token: 'keyword', foreground: 'c792ea' },
    ],
    colors: {
      'editor.background': '#12161c',
      'editor.lineHighlightBackground': '#1a2029',
      // Line numbers and comments keep 4.5:1 contrast (WCAG AA; e2e/accessibility checks it).
      'editorLineNumber.foreground': '#7f8a9a',
      'editorLineNumber.dimmedForeground': '#7f8a9a',
      'editorLineNumber.activeForeground': '#aab4c3',
      'editorGutter.background': '#12161c',
      'editorWidget.background': '#1b2129',
      'editorIndentGuide.background1': '#232a34',
    },
  });
  monaco.editor.defineTheme(LIGHT_THEME, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '5f6873', fontStyle: 'italic' },
      { token: 'type', foreground: '00696b' },
      { token: 'number', foreground: '07704a' },
    ],
    colors: {
      'editor.background': '#ffffff',
      'editor.lineHighlightBackground': '#f3f6fa',
      'editorLineNumber.foreground': '#5f6873',
      'editorLineNumber.dimmedForeground': '#5f6873',
    },
  });
}

type EditorThemeChoice = 'system' | 'light' | 'dark';

/** The user's theme choice; Monaco's theme is global, so this is too (set by the App). */
let choice: EditorThemeChoice = 'system';

/**
 * The editor theme for what the system asks for, given the user's choice: code that follows the
 * system's scheme (PolicyEditor listens to `prefers-color-scheme`) gets the pinned theme instead
 * while the user has pinned one.
 */
export function themeFor(prefersLight: boolean): string {
  const light = choice === 'system' ? prefersLight : choice === 'light';
  return light ? LIGHT_THEME : DARK_THEME;
}

/** Switches every editor to `theme` and remembers the user's choice behind it. */
export function applyEditorTheme(preference: EditorThemeChoice, theme: 'light' | 'dark'): void {
  choice = preference;
  defineThemes();
  monaco.editor.setTheme(theme === 'light' ? LIGHT_THEME : DARK_THEME);
}
