import { useEffect } from 'react';
import { commandForKey } from '../commands/keymap';
import { selectDirty } from '../state/document-store';
import { DialogHost } from './dialogs/DialogHost';
import { DisconnectedBanner } from './DisconnectedBanner';
import { Notices } from './Notices';
import { PolicyEditor } from './PolicyEditor';
import { RunPanel } from './RunPanel';
import { StatusBar } from './StatusBar';
import { useDocument, useStudio } from './studio-context';
import { Toolbar } from './Toolbar';
import { useSplitter } from './use-splitter';

export function App() {
  useShortcuts();
  useUnsavedChangesGuard();
  useDocumentTitle();
  const split = useSplitter();
  return (
    <div className="app">
      <Toolbar />
      <DisconnectedBanner />
      <main className="workspace" ref={split.container} style={split.style}>
        <section className="editor-pane" aria-label="Policy">
          <PolicyEditor />
        </section>
        <div
          className="splitter"
          role="separator"
          aria-orientation="vertical"
          aria-label="Resize the editor and the run panel"
          aria-valuenow={Math.round(split.fraction * 100)}
          aria-valuemin={20}
          aria-valuemax={80}
          tabIndex={0}
          {...split.handlers}
        />
        <RunPanel />
      </main>
      <StatusBar />
      <Notices />
      <DialogHost />
    </div>
  );
}

/** The studio's shortcuts anywhere on the page (the editor has them as its own actions). */
function useShortcuts(): void {
  const { stores, commands } = useStudio();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || stores.ui.getState().dialog) return;
      const command = commandForKey(event);
      if (!command) return;
      event.preventDefault();
      void commands[command]();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [stores.ui, commands]);
}

/** The browser's own "leave the page?" prompt while there are unsaved changes. */
function useUnsavedChangesGuard(): void {
  const { stores } = useStudio();
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      if (!selectDirty(stores.document.getState())) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [stores.document]);
}

function useDocumentTitle(): void {
  const name = useDocument((s) => s.name);
  const dirty = useDocument(selectDirty);
  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${name ?? 'untitled'} — Sandbox Studio`;
  }, [name, dirty]);
}
