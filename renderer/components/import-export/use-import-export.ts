import { useStore } from 'zustand';
import type { ImportExportState } from '../../state/import-export-store';
import { useStudio } from '../studio-context';

export function useImportExport<T>(selector: (s: ImportExportState) => T): T {
  return useStore(useStudio().stores.importExport, selector);
}
