import { useStore } from 'zustand';
import type { SavedRunsState } from '../../state/saved-runs-store';
import type { TraceViewState } from '../../state/trace-view-store';
import { useStudio } from '../studio-context';

export function useTraceView<T>(selector: (s: TraceViewState) => T): T {
  return useStore(useStudio().stores.traceView, selector);
}

export function useSavedRuns<T>(selector: (s: SavedRunsState) => T): T {
  return useStore(useStudio().stores.savedRuns, selector);
}
