import type { SupervisorSession, SupervisorSessionOptions } from '../supervisor/types';

export type StartSession = (options: SupervisorSessionOptions) => SupervisorSession;

/**
 * The real supervisor, loaded on first use: hosts and tests that never start a run do not load
 * the native bindings at all.
 */
export async function loadSupervisor(): Promise<StartSession> {
  const { startSupervisorSession } = await import('../supervisor/session');
  return startSupervisorSession;
}
