import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RequestResult } from '../../app/api/contract';
import type { ConnectionStatus } from '../transport/connection';

export type HostInfo = RequestResult<'host.info'>;

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** Why the connection closed, when the transport said. */
  readonly detail: string | undefined;
  /** What the backend said about itself; null until host.info answered. */
  readonly host: HostInfo | null;
  setStatus(status: ConnectionStatus, detail?: string): void;
  setHost(host: HostInfo): void;
}

export type ConnectionStore = StoreApi<ConnectionState>;

export function createConnectionStore(): ConnectionStore {
  return createStore<ConnectionState>()((set) => ({
    status: 'connecting',
    detail: undefined,
    host: null,
    setStatus(status, detail) {
      set({ status, detail });
    },
    setHost(host) {
      set({ host });
    },
  }));
}
