import { createAuditStore, type AuditStore } from './audit-store';
import { createConnectionStore, type ConnectionStore } from './connection-store';
import { createDocumentStore, type DocumentStore } from './document-store';
import { createImportExportStore, type ImportExportStore } from './import-export-store';
import { LESSON_LIBRARY } from '../components/lessons/library';
import { createLessonsStore, type LessonsStore } from './lessons-store';
import { createRunsStore, type RunsStore, type RunsStoreOptions } from './runs-store';
import { createSavedRunsStore, type SavedRunsStore } from './saved-runs-store';
import { createTraceViewStore, type TraceViewStore } from './trace-view-store';
import { createUiStore, type UiStore } from './ui-store';
import { createWhatIfStore, type WhatIfStore } from './whatif-store';

/** The studio's state, one store per concern. */
export interface Stores {
  readonly document: DocumentStore;
  readonly runs: RunsStore;
  readonly ui: UiStore;
  readonly connection: ConnectionStore;
  readonly whatif: WhatIfStore;
  readonly traceView: TraceViewStore;
  readonly savedRuns: SavedRunsStore;
  readonly audit: AuditStore;
  readonly importExport: ImportExportStore;
  readonly lessons: LessonsStore;
}

export function createStores(initialText: string, runs: RunsStoreOptions = {}): Stores {
  return {
    document: createDocumentStore(initialText),
    runs: createRunsStore(runs),
    ui: createUiStore(),
    connection: createConnectionStore(),
    whatif: createWhatIfStore(),
    traceView: createTraceViewStore(),
    savedRuns: createSavedRunsStore(),
    audit: createAuditStore(),
    importExport: createImportExportStore(),
    lessons: createLessonsStore(LESSON_LIBRARY),
  };
}
