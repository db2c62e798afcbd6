import { createConnectionStore, type ConnectionStore } from './connection-store';
import { createDocumentStore, type DocumentStore } from './document-store';
import { createRunsStore, type RunsStore, type RunsStoreOptions } from './runs-store';
import { createUiStore, type UiStore } from './ui-store';

/** The studio's state, one store per concern. */
export interface Stores {
  readonly document: DocumentStore;
  readonly runs: RunsStore;
  readonly ui: UiStore;
  readonly connection: ConnectionStore;
}

export function createStores(initialText: string, runs: RunsStoreOptions = {}): Stores {
  return {
    document: createDocumentStore(initialText),
    runs: createRunsStore(runs),
    ui: createUiStore(),
    connection: createConnectionStore(),
  };
}
