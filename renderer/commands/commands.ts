import type { BackendClient, RunMode } from '../../app/api/contract';
import { selectDirty } from '../state/document-store';
import { pendingObservedNames } from '../state/observed-syscalls';
import type { Stores } from '../state/stores';
import { commandAvailability } from './availability';
import { askConfirm, askFile, askFileName, messageOf } from './dialogs';
import type { CommandId } from './keymap';
import { suggestedFileName } from './suggested-name';

export type Commands = Readonly<Record<CommandId, () => Promise<void>>>;

export interface CommandDeps {
  readonly client: BackendClient;
  readonly stores: Stores;
  /** app/policy/edit's addAllowedSyscalls: the policy text with `names` allowed. */
  readonly addAllowedSyscalls: (text: string, names: readonly string[]) => string;
  readonly now?: () => number;
}

/**
 * What the toolbar, the shortcuts and the editor actions do. Every command checks that it is
 * available (a shortcut may fire while its button is disabled) and reports failures as notices.
 */
export function createCommands(deps: CommandDeps): Commands {
  const { client, stores } = deps;
  const now = deps.now ?? Date.now;
  const doc = () => stores.document.getState();
  const notify = (text: string) => stores.ui.getState().notify('error', text);
  const available = (id: CommandId): boolean =>
    commandAvailability({
      document: doc(),
      runs: stores.runs.getState(),
      connection: stores.connection.getState(),
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

  const reporting = (what: string, command: () => Promise<void>) => async (): Promise<void> => {
    try {
      await command();
    } catch (error) {
      notify(`${what} failed: ${messageOf(error)}`);
    }
  };

  return {
    open: reporting('Open', open),
    save: reporting('Save', save),
    saveAs: reporting('Save As', saveAs),
    learn: reporting('Learn', () => run('learn')),
    check: reporting('Check', () => run('check')),
    enforce: reporting('Enforce', () => run('enforce')),
    stop: reporting('Stop', stop),
    allowObserved: reporting('Allow observed', allowObserved),
  };
}
