import type { ConnectionState } from '../state/connection-store';
import { selectDirty, selectHasErrors, type DocumentState } from '../state/document-store';
import { pendingObservedNames } from '../state/observed-syscalls';
import { isActive, type RunsState } from '../state/runs-store';
import type { CommandId } from './keymap';

export type Availability = Readonly<Record<CommandId, boolean>>;

export interface AvailabilityInput {
  readonly document: Pick<DocumentState, 'text' | 'savedText' | 'handle' | 'analysis'>;
  readonly runs: Pick<RunsState, 'run' | 'observed'>;
  readonly connection: Pick<ConnectionState, 'status' | 'host'>;
}

/** Which commands make sense now; buttons are disabled and shortcuts ignored otherwise. */
export function commandAvailability({
  document,
  runs,
  connection,
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
  };
}
