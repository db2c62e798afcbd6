import type { BackendClient } from '../app/api/contract';
import { downloadText } from './components/saved-runs/download';
import type { Stores } from './state/stores';

/** Lets the saved-runs store list, open, export and compare runs through the backend. */
export function connectSavedRuns(
  client: BackendClient,
  stores: Stores,
  download: (fileName: string, parts: readonly string[]) => void = downloadText,
): () => void {
  return stores.savedRuns.getState().attach({ client, runs: stores.runs, ui: stores.ui, download });
}
