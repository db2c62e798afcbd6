import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EventCategory } from '../../app/trace/event-query';

/** The views of a run's trace, as tabs of the run panel. */
export const TRACE_TABS = ['events', 'histogram', 'timeline', 'runs'] as const;
export type TraceTab = (typeof TRACE_TABS)[number];

export const TRACE_TAB_TITLES: Readonly<Record<TraceTab, string>> = {
  events: 'Events',
  histogram: 'Histogram',
  timeline: 'Timeline',
  runs: 'Saved runs',
};

/**
 * How the trace is looked at: the event table's structured filters (its text filter is the UI
 * store's `eventFilter`), grouping by syscall, and which view is shown.
 */
export interface TraceViewState {
  readonly syscall: string;
  readonly pid: number | null;
  readonly tid: number | null;
  readonly category: EventCategory;
  /** One row per syscall (and per other event type) instead of one per event. */
  readonly grouped: boolean;
  /** Key of the group whose events are listed under it. */
  readonly expandedGroup: string | null;
  readonly tab: TraceTab;

  setSyscall(name: string): void;
  setPid(pid: number | null): void;
  setTid(tid: number | null): void;
  setCategory(category: EventCategory): void;
  /** Clears the structured filters (not the text). */
  clearFilters(): void;
  setGrouped(grouped: boolean): void;
  /** Expands a group, or collapses it when it is the expanded one. */
  toggleGroup(key: string): void;
  setTab(tab: TraceTab): void;
  /** The events of one syscall, from a chart: the table, filtered to it. */
  showSyscall(name: string): void;
  /** The events of one process, from the timeline. */
  showProcess(pid: number): void;
}

export type TraceViewStore = StoreApi<TraceViewState>;

export function createTraceViewStore(): TraceViewStore {
  return createStore<TraceViewState>()((set, get) => ({
    syscall: '',
    pid: null,
    tid: null,
    category: 'all',
    grouped: false,
    expandedGroup: null,
    tab: 'events',

    setSyscall: (syscall) => set({ syscall: syscall.trim() }),
    setPid: (pid) => set({ pid: validId(pid) }),
    setTid: (tid) => set({ tid: validId(tid) }),
    setCategory: (category) => set({ category }),
    clearFilters: () => set({ syscall: '', pid: null, tid: null, category: 'all' }),
    setGrouped: (grouped) => set({ grouped, expandedGroup: null }),
    toggleGroup: (key) => set({ expandedGroup: get().expandedGroup === key ? null : key }),
    setTab: (tab) => set({ tab }),
    showSyscall: (syscall) => set({ syscall, grouped: false, tab: 'events' }),
    showProcess: (pid) => set({ pid, grouped: false, tab: 'events' }),
  }));
}

function validId(value: number | null): number | null {
  return value !== null && Number.isSafeInteger(value) ? value : null;
}
