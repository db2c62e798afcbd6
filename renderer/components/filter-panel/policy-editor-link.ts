import { useEffect, useState } from 'react';
import type { SourceRange } from '../../../app/policy/source-range';
import { monaco } from '../../editor/monaco';
import { POLICY_MODEL_URI } from '../../editor/yaml-language';

/**
 * The filter panel's link to the policy editor, through Monaco itself (the editor is Monaco's
 * state, not the studio's): where its cursor is, and showing a rule there.
 */

type CodeEditor = monaco.editor.ICodeEditor;

function isPolicyEditor(editor: CodeEditor): boolean {
  return editor.getModel()?.uri.toString() === monaco.Uri.parse(POLICY_MODEL_URI).toString();
}

function policyEditor(): CodeEditor | undefined {
  return monaco.editor.getEditors().find(isPolicyEditor);
}

/** The cursor's offset in the policy editor, or null while there is no editor. */
export function usePolicyCursor(): number | null {
  const [offset, setOffset] = useState<number | null>(null);
  useEffect(() => {
    const listeners = new Map<CodeEditor, monaco.IDisposable>();
    const attach = (editor: CodeEditor): void => {
      if (listeners.has(editor)) return;
      const update = (): void => {
        const model = editor.getModel();
        const position = editor.getPosition();
        if (model && position && isPolicyEditor(editor)) setOffset(model.getOffsetAt(position));
      };
      const cursor = editor.onDidChangeCursorPosition(update);
      const model = editor.onDidChangeModel(update);
      const gone = editor.onDidDispose(() => {
        cursor.dispose();
        model.dispose();
        gone.dispose();
        listeners.delete(editor);
      });
      listeners.set(editor, {
        dispose: () => {
          cursor.dispose();
          model.dispose();
          gone.dispose();
        },
      });
      update();
    };
    monaco.editor.getEditors().forEach(attach);
    const created = monaco.editor.onDidCreateEditor(attach);
    return () => {
      created.dispose();
      for (const listener of listeners.values()) listener.dispose();
    };
  }, []);
  return offset;
}

const FLASH_MS = 1500;

/**
 * Puts the policy editor's cursor at the start of `range`, scrolls it into view and marks the
 * range for a moment (a selection would be replaced by the next key typed); false without an
 * editor.
 */
export function showInPolicyEditor(range: SourceRange): boolean {
  const editor = policyEditor();
  if (!editor) return false;
  const { start, end } = range;
  const marked = new monaco.Range(start.line, start.column, end.line, end.column);
  editor.setPosition({ lineNumber: start.line, column: start.column });
  editor.revealRangeInCenterIfOutsideViewport(marked);
  const flash = editor.createDecorationsCollection([
    { range: marked, options: { className: 'filter-panel-rule-flash', isWholeLine: false } },
  ]);
  setTimeout(() => flash.clear(), FLASH_MS);
  editor.focus();
  return true;
}
