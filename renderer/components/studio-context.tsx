import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { commandAvailability, type Availability } from '../commands/availability';
import type { Commands } from '../commands/commands';
import type { ConnectionState } from '../state/connection-store';
import type { DocumentState } from '../state/document-store';
import type { RunsState } from '../state/runs-store';
import type { Stores } from '../state/stores';
import type { UiState } from '../state/ui-store';

export interface Studio {
  readonly stores: Stores;
  readonly commands: Commands;
}

const StudioContext = createContext<Studio | null>(null);

export function StudioProvider({ studio, children }: { studio: Studio; children: ReactNode }) {
  return <StudioContext.Provider value={studio}>{children}</StudioContext.Provider>;
}

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (!studio) throw new Error('useStudio() outside <StudioProvider>');
  return studio;
}

export function useCommands(): Commands {
  return useStudio().commands;
}

export function useDocument<T>(selector: (s: DocumentState) => T): T {
  return useStore(useStudio().stores.document, selector);
}

export function useRuns<T>(selector: (s: RunsState) => T): T {
  return useStore(useStudio().stores.runs, selector);
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(useStudio().stores.ui, selector);
}

export function useConnection<T>(selector: (s: ConnectionState) => T): T {
  return useStore(useStudio().stores.connection, selector);
}

/** Which commands are available, re-evaluated when one of their inputs changes. */
export function useAvailability(): Availability {
  const document = useDocument(
    useShallow((s) => ({
      text: s.text,
      savedText: s.savedText,
      handle: s.handle,
      analysis: s.analysis,
    })),
  );
  const runs = useRuns(useShallow((s) => ({ run: s.run, observed: s.observed })));
  const connection = useConnection(useShallow((s) => ({ status: s.status, host: s.host })));
  const ui = useUi(useShallow((s) => ({ draftOffer: s.draftOffer, notices: s.notices })));
  return useMemo(
    () => commandAvailability({ document, runs, connection, ui }),
    [document, runs, connection, ui],
  );
}
