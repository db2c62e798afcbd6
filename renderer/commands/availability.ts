import type { ConnectionState } from '../state/connection-store';
import { selectDirty, selectHasErrors, type DocumentState } from '../state/document-store';
import { pendingObservedNames } from '../state/observed-syscalls';
import { isActive, type RunsState } from '../state/runs-store';
import type { UiState } from '../state/ui-store';
import type { CommandId } from './registry';

export type Availability = Readonly<Record<CommandId, boolean>>;

export interface AvailabilityInput {
  readonly document: Pick<DocumentState, 'text' | 'savedText' | 'handle' | 'analysis'>;
  readonly runs: Pick<RunsState, 'run' | 'observed'>;
  readonly connection: Pick<ConnectionState, 'status' | 'host'>;
  /** Without it, commands that depend on the UI's state (a recovered draft…) are unavailable. */
  readonly ui?: Pick<UiState, 'draftOffer' | 'notices'>;
}

/** Which commands make sense now; buttons are disabled and shortcuts ignored otherwise. */
export function commandAvailability({
  document,
  runs,
  connection,
  ui,
}: AvailabilityInput): Availability {
  const connected = connection.status === 'connected';
  // Which dialogs to use (native or the web picker) depends on host.info's answer.
  const filesReady = connected && connection.host !== null;
  const running = isActive(runs.run);
  const canRun = connected && !running && !selectHasErrors(document);
  const pending = pendingObservedNames(runs.observed, document.analysis.policy);
  return {
    open: filesReady,
    save: filesReady && (selectDirty(document) || document.handle === null),
    saveAs: filesReady,
    learn: canRun,
    check: canRun,
    enforce: canRun,
    stop: connected && running && runs.run?.runId !== null && runs.run?.state !== 'stopping',
    allowObserved: !running && pending.length > 0,
    restoreDraft: (ui?.draftOffer ?? null) !== null,
    discardDraft: (ui?.draftOffer ?? null) !== null,
    commandPalette: true,
    cycleTheme: true,
    focusEditor: true,
    focusEventFilter: true,
    resetLayout: true,
    dismissNotices: (ui?.notices.length ?? 0) > 0,
    auditProcess: connected,
    exportPolicy: true,
    importPolicy: true,
    lessons: true,
  };
}
