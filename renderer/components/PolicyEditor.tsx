import { useEffect, useRef } from 'react';
import type { Commands } from '../commands/commands';
import { registerEditorActions } from '../editor/editor-actions';
import { diagnosticToMarker, MARKER_OWNER } from '../editor/markers';
import { minimalEdit } from '../editor/minimal-edit';
import { monaco } from '../editor/monaco';
import { registerPolicyIntelligence } from '../editor/policy-intelligence';
import { defineThemes, themeFor } from '../editor/theme';
import { configurePolicyYaml, POLICY_MODEL_URI } from '../editor/yaml-language';
import type { DocumentStore } from '../state/document-store';
import { useStudio } from './studio-context';

const SEVERITY: Record<'error' | 'warning' | 'info', monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

const LIGHT_QUERY = '(prefers-color-scheme: light)';

/** Monaco on the document store: typing flows into the store, outside changes flow back. */
export function PolicyEditor() {
  const { stores, commands } = useStudio();
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    return mountEditor(host.current, stores.document, commands);
  }, [stores.document, commands]);

  // Hovers, completions in conditions and quick fixes (editor/policy-intelligence.ts).
  useEffect(
    () => registerPolicyIntelligence({ runEvents: () => stores.runs.getState().events }),
    [stores.runs],
  );

  return <div className="policy-editor" ref={host} aria-label="Policy editor" />;
}

function mountEditor(element: HTMLElement, store: DocumentStore, commands: Commands): () => void {
  defineThemes();
  configurePolicyYaml();
  const light = window.matchMedia(LIGHT_QUERY);
  const uri = monaco.Uri.parse(POLICY_MODEL_URI);
  const model =
    monaco.editor.getModel(uri) ?? monaco.editor.createModel(store.getState().text, 'yaml', uri);
  model.updateOptions({ tabSize: 2, insertSpaces: true });
  const editor = monaco.editor.create(element, {
    model,
    theme: themeFor(light.matches),
    automaticLayout: true,
    minimap: { enabled: false },
    fontFamily: "'JetBrains Mono', 'Cascadia Code', 'Fira Code', 'DejaVu Sans Mono', monospace",
    fontSize: 13,
    lineHeight: 20,
    scrollBeyondLastLine: false,
    wordWrap: 'on',
    wrappingIndent: 'indent',
    renderLineHighlight: 'all',
    padding: { top: 10, bottom: 10 },
    smoothScrolling: true,
    fixedOverflowWidgets: true,
    'semanticHighlighting.enabled': false,
    quickSuggestions: { other: true, comments: false, strings: true },
  });

  const disposables: { dispose(): void }[] = [
    ...registerEditorActions(editor, commands),
    model.onDidChangeContent(() => store.getState().setText(model.getValue(), 'editor')),
  ];
  const onScheme = (): void => monaco.editor.setTheme(themeFor(light.matches));
  light.addEventListener('change', onScheme);

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.external.revision !== previous.external.revision) {
      replaceText(editor, model, state.text, state.external.resetUndo);
    }
    if (state.analysis !== previous.analysis) showDiagnostics(model, state);
  });
  replaceText(editor, model, store.getState().text, true);
  showDiagnostics(model, store.getState());

  return () => {
    unsubscribe();
    light.removeEventListener('change', onScheme);
    for (const d of disposables) d.dispose();
    editor.dispose();
    model.dispose();
  };
}

/** Puts text from outside into the editor: undoable, unless it is a different file. */
function replaceText(
  editor: monaco.editor.IStandaloneCodeEditor,
  model: monaco.editor.ITextModel,
  text: string,
  resetUndo: boolean,
): void {
  if (model.getValue() === text) return;
  if (resetUndo) {
    model.setValue(text);
    editor.setScrollTop(0);
    return;
  }
  const edit = minimalEdit(model.getValue(), text);
  if (!edit) return;
  const start = model.getPositionAt(edit.start);
  const end = model.getPositionAt(edit.end);
  const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
  editor.pushUndoStop();
  editor.executeEdits('sandbox-studio', [{ range, text: edit.text }]);
  editor.pushUndoStop();
  editor.revealRangeInCenterIfOutsideViewport(range);
}

function showDiagnostics(
  model: monaco.editor.ITextModel,
  state: ReturnType<DocumentStore['getState']>,
): void {
  // Markers of an older text would point at the wrong places; the next analysis replaces them.
  if (state.analysis.text !== model.getValue()) return;
  monaco.editor.setModelMarkers(
    model,
    MARKER_OWNER,
    state.analysis.diagnostics.map((d) => {
      const { severity, ...rest } = diagnosticToMarker(d);
      return { ...rest, severity: SEVERITY[severity] };
    }),
  );
}
