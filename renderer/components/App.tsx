import '../styles/quality.css';
import { useEffect } from 'react';
import { commandForKey } from '../commands/keymap';
import { selectDirty } from '../state/document-store';
import { AuditView } from './audit/AuditView';
import { DialogHost } from './dialogs/DialogHost';
import { DisconnectedBanner } from './DisconnectedBanner';
import { DraftNotice } from './DraftNotice';
import { ExportDialog } from './import-export/ExportDialog';
import { ImportDialog } from './import-export/ImportDialog';
import { LessonsPanel } from './lessons/LessonsPanel';
import { Notices } from './Notices';
import { CommandPalette } from './palette/CommandPalette';
import { PolicyEditor } from './PolicyEditor';
import { FilterPanel } from './filter-panel/FilterPanel';
import { RunPanel } from './RunPanel';
import { StatusBar } from './StatusBar';
import { useDocument, useStudio } from './studio-context';
import { Toolbar } from './Toolbar';
import { useColorTheme } from './use-color-theme';
import { useFocusRequests } from './use-focus-requests';
import { useDraftAutosave, usePreferences } from './use-persistence';
import { useSplitter } from './use-splitter';

export function App() {
  usePreferences();
  useColorTheme();
  useShortcuts();
  useFocusRequests();
  useDraftAutosave();
  useUnsavedChangesGuard();
  useDocumentTitle();
  const split = useSplitter({ pane: 'workspace', initial: 0.46 });
  return (
    <div className="app">
      <Toolbar />
      <DisconnectedBanner />
      <DraftNotice />
      <div className="studio-body">
        <LessonsPanel />
        <main className="workspace" ref={split.container} style={split.style}>
          <section className="editor-pane" aria-label="Policy">
            <PolicyEditor />
            <FilterPanel />
          </section>
          <div
            className="splitter"
            aria-label="Resize the editor and the run panel"
            {...split.handleProps}
          />
          <RunPanel />
        </main>
      </div>
      <StatusBar />
      <Notices />
      <AuditView />
      <ExportDialog />
      <ImportDialog />
      <DialogHost />
      <CommandPalette />
    </div>
  );
}

/** The studio's shortcuts anywhere on the page (the editor has them as its own actions). */
function useShortcuts(): void {
  const { stores, commands } = useStudio();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return;
      const command = commandForKey(event);
      if (!command) return;
      // The browser's meaning of the key (F5 reload, F1 help, Ctrl+S save page) never applies.
      event.preventDefault();
      const ui = stores.ui.getState();
      // A dialog or the palette is modal: no command runs behind it.
      if (ui.dialog || ui.paletteOpen) return;
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
