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
      { token: 'comment', foreground: '6b7686', fontStyle: 'italic' },
      { token: 'keyword', foreground: 'c792ea' },
    ],
    colors: {
      'editor.background': '#12161c',
      'editor.lineHighlightBackground': '#1a2029',
      'editorLineNumber.foreground': '#4a5361',
      'editorLineNumber.activeForeground': '#aab4c3',
      'editorGutter.background': '#12161c',
      'editorWidget.background': '#1b2129',
      'editorIndentGuide.background1': '#232a34',
    },
  });
  monaco.editor.defineTheme(LIGHT_THEME, {
    base: 'vs',
    inherit: true,
    rules: [{ token: 'comment', foreground: '6a737d', fontStyle: 'italic' }],
    colors: {
      'editor.background': '#ffffff',
      'editor.lineHighlightBackground': '#f3f6fa',
    },
  });
}

export function themeFor(prefersLight: boolean): string {
  return prefersLight ? LIGHT_THEME : DARK_THEME;
}
