import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One of Monaco's default keybindings, as `CtrlCmd+Shift+KeyP`, and where it is declared. */
export interface MonacoKeybinding {
  readonly chord: string;
  readonly file: string;
}

const TERM = String.raw`\d+ \/\* (KeyMod|KeyCode)\.(\w+) \*\/`;
const EXPRESSION = new RegExp(String.raw`${TERM}(?:\s*[|+]\s*${TERM})*`, 'g');
/** `primary: …`, `secondary: [ … ]`, but not inside the `mac: { … }` / `win: { … }` overrides. */
const BINDING =
  /(mac|win|linux)?:?\s*\{?\s*\b(primary|secondary):\s*(\[[^\]]*\]|[^,}\n]+(?:\([^)]*\))?)/g;

/**
 * Monaco's default keybindings on Linux, read from the installed monaco-editor's sources (its
 * build inlines the KeyMod/KeyCode enums as numbers followed by their names in comments).
 * Two-key chords (KeyChord) contribute their first key: pressing it starts the chord.
 */
export function monacoDefaultKeybindings(root: string): MonacoKeybinding[] {
  const found: MonacoKeybinding[] = [];
  for (const file of jsFiles(join(root, 'node_modules', 'monaco-editor', 'esm', 'vs'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('primary')) continue;
    for (const binding of text.matchAll(BINDING)) {
      if (binding[1] === 'mac' || binding[1] === 'win') continue;
      for (const expression of (binding[3] ?? '').matchAll(EXPRESSION)) {
        found.push({ chord: chordOf(expression[0]), file });
      }
    }
  }
  return found;
}

function chordOf(expression: string): string {
  const names = [...expression.matchAll(/(KeyMod|KeyCode)\.(\w+)/g)];
  const mods = names.filter((n) => n[1] === 'KeyMod').map((n) => n[2] as string);
  const keys = names.filter((n) => n[1] === 'KeyCode').map((n) => n[2] as string);
  return [...['CtrlCmd', 'Shift', 'Alt', 'WinCtrl'].filter((m) => mods.includes(m)), ...keys].join(
    '+',
  );
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return path.endsWith('.js') ? [path] : [];
  });
}
