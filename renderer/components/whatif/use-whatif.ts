import { useEffect } from 'react';
import { useStore } from 'zustand';
import { startWhatIf } from '../../state/whatif-engine';
import type { WhatIfState } from '../../state/whatif-store';
import { useStudio } from '../studio-context';

export function useWhatIf<T>(selector: (s: WhatIfState) => T): T {
  return useStore(useStudio().stores.whatif, selector);
}

/**
 * Keeps the what-if verdicts following the document and the run while mounted (the summary,
 * always on screen in the run panel, mounts it once).
 */
export function useWhatIfEngine(): void {
  const { stores } = useStudio();
  useEffect(
    () => startWhatIf({ document: stores.document, runs: stores.runs, whatif: stores.whatif }),
    [stores.document, stores.runs, stores.whatif],
  );
}
