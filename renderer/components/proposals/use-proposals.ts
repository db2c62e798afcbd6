import { useStore } from 'zustand';
import {
  createProposalsStore,
  type ProposalsState,
  type ProposalsStore,
} from '../../state/proposals-store';
import type { Stores } from '../../state/stores';
import { useStudio } from '../studio-context';

const byStudio = new WeakMap<Stores, ProposalsStore>();

/**
 * The proposals store of a studio, created with it on first use: it follows the runs and
 * document stores by itself, so nothing else needs to know it exists.
 */
export function proposalsStoreOf(stores: Stores): ProposalsStore {
  let store = byStudio.get(stores);
  if (!store) {
    store = createProposalsStore({ runs: stores.runs, document: stores.document });
    byStudio.set(stores, store);
  }
  return store;
}

export function useProposalsStore(): ProposalsStore {
  return proposalsStoreOf(useStudio().stores);
}

export function useProposals<T>(selector: (s: ProposalsState) => T): T {
  return useStore(useProposalsStore(), selector);
}
