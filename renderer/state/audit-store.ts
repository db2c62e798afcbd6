import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditProcessInfo, AuditReport, BackendClient } from '../../app/api/contract';
import { capabilityNames } from '../../app/linux/proc-status';
import type { DocumentStore } from './document-store';
import { openAsNewDocument } from './new-document';

/**
 * The audit view of running processes: the list (filtered as the user types), the process picked
 * and its report. Requests go through the client the view was opened with; a reply for a process
 * that is no longer the selected one is dropped.
 */

export interface AuditDeps {
  readonly client: Pick<BackendClient, 'invoke'>;
  readonly document: DocumentStore;
  /** Asks before replacing unsaved changes; true to go ahead. */
  readonly confirmDiscard: () => Promise<boolean>;
}

export interface AuditState {
  readonly open: boolean;
  readonly processes: readonly AuditProcessInfo[] | null;
  readonly listError: string | null;
  readonly filter: string;
  readonly selectedPid: number | null;
  readonly report: AuditReport | null;
  readonly inspecting: boolean;
  readonly inspectError: string | null;

  show(deps: AuditDeps): Promise<void>;
  close(): void;
  refresh(): Promise<void>;
  setFilter(filter: string): void;
  inspect(pid: number): Promise<void>;
  /** Puts a decompiled filter into the editor as a new, unsaved document. */
  openAsPolicy(policyText: string): Promise<boolean>;
}

export type AuditStore = StoreApi<AuditState>;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export function createAuditStore(): AuditStore {
  let deps: AuditDeps | null = null;
  return createStore<AuditState>()((set, get) => ({
    open: false,
    processes: null,
    listError: null,
    filter: '',
    selectedPid: null,
    report: null,
    inspecting: false,
    inspectError: null,

    async show(given) {
      deps = given;
      set({ open: true });
      await get().refresh();
    },
    close() {
      set({ open: false });
    },
    async refresh() {
      if (!deps) return;
      set({ listError: null });
      try {
        const { processes } = await deps.client.invoke('audit.processes', {});
        set({ processes });
      } catch (error) {
        set({ processes: [], listError: messageOf(error) });
      }
    },
    setFilter(filter) {
      set({ filter });
    },
    async inspect(pid) {
      if (!deps) return;
      set({ selectedPid: pid, report: null, inspecting: true, inspectError: null });
      try {
        const report = await deps.client.invoke('audit.inspect', { pid });
        if (get().selectedPid === pid) set({ report, inspecting: false });
      } catch (error) {
        if (get().selectedPid === pid) set({ inspecting: false, inspectError: messageOf(error) });
      }
    },
    async openAsPolicy(policyText) {
      if (!deps || !(await deps.confirmDiscard())) return false;
      openAsNewDocument(deps.document, policyText);
      set({ open: false });
      return true;
    },
  }));
}

/** The processes whose pid, command, user or seccomp state contain every word of the filter. */
export function filterProcesses(
  processes: readonly AuditProcessInfo[],
  filter: string,
): readonly AuditProcessInfo[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return processes;
  return processes.filter((p) => {
    const haystack = `${p.pid} ${p.command} ${p.user} seccomp:${p.seccomp}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** `0x…` capability mask → capability names (CAP_*), ascending. */
export function decodeCapabilities(hex: string | undefined): string[] {
  if (hex === undefined || !/^0x[0-9a-f]+$/i.test(hex)) return [];
  return capabilityNames(BigInt(hex));
}

const YAMA_SCOPES = [
  'classic ptrace permissions',
  'restricted: only descendants may be traced',
  'admin-only attach (CAP_SYS_PTRACE)',
  'no attach at all',
];

export function describeYama(scope: number | undefined): string {
  if (scope === undefined) return 'Yama is not built into this kernel';
  return `${scope} (${YAMA_SCOPES[scope] ?? 'unknown scope'})`;
}

export function describeLandlock(posture: AuditReport['posture']): string {
  const hidden = "a process's own Landlock domain is not shown in /proc";
  const landlock = posture.landlock;
  if (landlock && 'abi' in landlock) return `ABI ${landlock.abi} in this kernel; ${hidden}`;
  if (landlock) return landlock.unavailable;
  if (posture.lsms === undefined) return 'unknown';
  return posture.lsms.includes('landlock')
    ? `enabled in this kernel; ${hidden}`
    : 'not enabled in this kernel';
}

/** One line for the list: `filter (2 filters)`, `disabled`, … */
export function describeSeccomp(p: Pick<AuditProcessInfo, 'seccomp' | 'seccompFilters'>): string {
  if (p.seccomp !== 'filter' || p.seccompFilters === undefined) return p.seccomp;
  return `filter (${p.seccompFilters} ${p.seccompFilters === 1 ? 'filter' : 'filters'})`;
}
