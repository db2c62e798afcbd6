import type { BackendClient, RunMode } from '../../app/api/contract';
import { applyDraft, type FileContents } from '../state/apply-draft';
import { selectDirty } from '../state/document-store';
import { DRAFT_KEY, parseDraft } from '../state/draft';
import {
  browserStorage,
  readItem,
  writeItem,
  type KeyValueStorage,
} from '../state/key-value-storage';
import { pendingObservedNames } from '../state/observed-syscalls';
import type { Stores } from '../state/stores';
import { nextThemePreference } from '../state/ui-store';
import { commandAvailability } from './availability';
import { askConfirm, askFile, askFileName, messageOf } from './dialogs';
import type { CommandId } from './registry';
import { suggestedFileName } from './suggested-name';

export type Commands = Readonly<Record<CommandId, () => Promise<void>>>;

export interface CommandDeps {
  readonly client: BackendClient;
  readonly stores: Stores;
  /** app/policy/edit's addAllowedSyscalls: the policy text with `names` allowed. */
  readonly addAllowedSyscalls: (text: string, names: readonly string[]) => string;
  readonly now?: () => number;
  /** Where recovered drafts are (see state/draft-autosave.ts); the page's localStorage if absent. */
  readonly storage?: KeyValueStorage | null;
}

/**
 * What the toolbar, the shortcuts and the editor actions do. Every command checks that it is
 * available (a shortcut may fire while its button is disabled) and reports failures as notices.
 */
export function createCommands(deps: CommandDeps): Commands {
  const { client, stores } = deps;
  const now = deps.now ?? Date.now;
  const doc = () => stores.document.getState();
  const ui = () => stores.ui.getState();
  const notify = (text: string) => ui().notify('error', text);
  const storage = deps.storage === undefined ? browserStorage() : deps.storage;
  const available = (id: CommandId): boolean =>
    commandAvailability({
      document: doc(),
      runs: stores.runs.getState(),
      connection: stores.connection.getState(),
      ui: ui(),
    })[id];
  const nativeDialogs = (): boolean => stores.connection.getState().host?.nativeDialogs ?? false;

  async function confirmDiscard(): Promise<boolean> {
    if (!selectDirty(doc())) return true;
    return askConfirm(stores.ui, {
      title: 'Discard unsaved changes?',
      message: `${doc().name ?? 'The untitled policy'} has changes that are not saved.`,
      confirmLabel: 'Discard changes',
    });
  }

  async function open(): Promise<void> {
    if (!available('open') || !(await confirmDiscard())) return;
    if (nativeDialogs()) {
      const { file } = await client.invoke('files.openDialog', {});
      if (file) doc().opened(file);
      return;
    }
    const entry = await askFile(stores.ui, async () => {
      const { files } = await client.invoke('files.list', {});
      return files;
    });
    if (entry) doc().opened(await client.invoke('files.read', { handle: entry.handle }));
  }

  async function saveAs(): Promise<void> {
    if (!available('saveAs')) return;
    const { text, name, analysis } = doc();
    const suggested = suggestedFileName(analysis.policy?.name, name);
    const chosen = nativeDialogs() ? suggested : await askFileName(stores.ui, suggested);
    if (chosen === null) return;
    const { file } = await client.invoke('files.saveAs', { text, suggestedName: chosen });
    if (file) doc().saved(file, text);
  }

  async function save(): Promise<void> {
    if (!available('save')) return;
    const { handle, text } = doc();
    if (handle === null) return saveAs();
    doc().saved(await client.invoke('files.save', { handle, text }), text);
  }

  async function run(mode: RunMode): Promise<void> {
    if (!available(mode)) return;
    const runs = stores.runs.getState();
    runs.requested(mode, now());
    try {
      const { text, handle } = doc();
      // The handle tells the backend where the policy's includes are.
      const params = { mode, policyText: text, ...(handle !== null && { handle }) };
      const { runId } = await client.invoke('run.start', params);
      stores.runs.getState().started(runId);
    } catch (error) {
      stores.runs.getState().startFailed(messageOf(error), now());
    }
  }

  async function stop(): Promise<void> {
    const runId = stores.runs.getState().run?.runId;
    if (!available('stop') || !runId) return;
    await client.invoke('run.stop', { runId });
  }

  async function allowObserved(): Promise<void> {
    if (!available('allowObserved')) return;
    const names = pendingObservedNames(stores.runs.getState().observed, doc().analysis.policy);
    doc().setText(deps.addAllowedSyscalls(doc().text, names), 'external');
  }

  async function restoreDraft(): Promise<void> {
    if (!available('restoreDraft')) return;
    const draft = storage ? parseDraft(readItem(storage, DRAFT_KEY)) : null;
    if (!draft) {
      ui().offerDraft(null);
      ui().notify(
        'info',
        'The recovered changes are gone (restored or discarded in another window).',
      );
      return;
    }
    if (
      selectDirty(doc()) &&
      !(await askConfirm(stores.ui, {
        title: 'Replace your unsaved changes?',
        message: `${doc().name ?? 'The untitled policy'} has changes that are not saved; the recovered changes replace them.`,
        confirmLabel: 'Restore recovered changes',
      }))
    ) {
      return;
    }
    const file = draft.handle === null ? null : await currentFile(draft.handle);
    const outcome = applyDraft(stores.document, draft, file);
    ui().offerDraft(null);
    if (outcome === 'already-saved') {
      ui().notify('info', `${draft.name ?? 'The file'} already holds the recovered changes.`);
    }
  }

  /** The file as it is now, or null (then the draft's copy of it stands in) when unreadable. */
  async function currentFile(handle: string): Promise<FileContents | null> {
    if (stores.connection.getState().status !== 'connected') return null;
    try {
      return await client.invoke('files.read', { handle });
    } catch (error) {
      ui().notify(
        'info',
        `Restored from the recovered copy: the file cannot be read (${messageOf(error)}).`,
      );
      return null;
    }
  }

  async function discardDraft(): Promise<void> {
    if (!available('discardDraft')) return;
    if (storage) writeItem(storage, DRAFT_KEY, null);
    ui().offerDraft(null);
  }

  async function auditProcess(): Promise<void> {
    if (!available('auditProcess')) return;
    await stores.audit.getState().show({ client, document: stores.document, confirmDiscard });
  }

  async function importPolicy(): Promise<void> {
    stores.importExport.getState().showImport({
      document: stores.document,
      confirmDiscard,
      trace: {
        client,
        savedRuns: stores.savedRuns,
        traceView: stores.traceView,
      },
    });
  }

  async function lessons(): Promise<void> {
    stores.lessons.getState().show({
      client,
      document: stores.document,
      confirmDiscard,
      confirm: (question) => askConfirm(stores.ui, question),
    });
  }

  /** Commands that only change what is shown: always there, never failing. */
  const view = {
    commandPalette: () => ui().openPalette(),
    cycleTheme: () => ui().setThemePreference(nextThemePreference(ui())),
    focusEditor: () => ui().requestFocus('editor'),
    focusEventFilter: () => ui().requestFocus('eventFilter'),
    resetLayout: () => ui().resetPaneSizes(),
    dismissNotices: () => ui().dismissAllNotices(),
  };

  const reporting = (what: string, command: () => Promise<void>) => async (): Promise<void> => {
    try {
      await command();
    } catch (error) {
      notify(`${what} failed: ${messageOf(error)}`);
    }
  };
  const immediate = (action: () => void) => async (): Promise<void> => action();

  return {
    open: reporting('Open', open),
    save: reporting('Save', save),
    saveAs: reporting('Save As', saveAs),
    learn: reporting('Learn', () => run('learn')),
    check: reporting('Check', () => run('check')),
    enforce: reporting('Enforce', () => run('enforce')),
    stop: reporting('Stop', stop),
    allowObserved: reporting('Allow observed', allowObserved),
    restoreDraft: reporting('Restore', restoreDraft),
    discardDraft: reporting('Discard', discardDraft),
    commandPalette: immediate(view.commandPalette),
    cycleTheme: immediate(view.cycleTheme),
    focusEditor: immediate(view.focusEditor),
    focusEventFilter: immediate(view.focusEventFilter),
    resetLayout: immediate(view.resetLayout),
    dismissNotices: immediate(view.dismissNotices),
    auditProcess: reporting('Audit', auditProcess),
    exportPolicy: immediate(() => stores.importExport.getState().showExport()),
    importPolicy: reporting('Import', importPolicy),
    lessons: reporting('Lessons', lessons),
  };
}
