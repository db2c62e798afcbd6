import type { SupervisorSession, SupervisorSessionOptions } from '../supervisor/types';
import type { WarmPool } from '../supervisor/warm-pool';

export type StartSession = (options: SupervisorSessionOptions) => SupervisorSession;

/**
 * The real supervisor, loaded on first use: hosts and tests that never start a run do not load
 * the native bindings at all.
 */
export async function loadSupervisor(): Promise<StartSession> {
  const { startSupervisorSession } = await import('../supervisor/session');
  return startSupervisorSession;
}

/** The real supervisor with a warm pool, for a client that runs again and again (the studio). */
export interface WarmSupervisor {
  readonly load: () => Promise<StartSession>;
  /** Ends the launcher and worker waiting for the next run. */
  dispose(): Promise<void>;
}

/**
 * Every run after the first takes a launcher and a worker started while the previous run's
 * results were being looked at (main/supervisor/warm-pool.ts), which takes their start-up
 * (≈ 170 ms here) off the run. The pool is refilled when a run ends, not while one runs.
 */
export function createWarmSupervisor(): WarmSupervisor {
  let pool: WarmPool | undefined;
  let disposed = false;
  return {
    load: async () => {
      const [{ startSupervisorSession }, warmPool] = await Promise.all([
        import('../supervisor/session'),
        import('../supervisor/warm-pool'),
      ]);
      if (disposed) throw new Error('this connection is closing');
      const warm = (pool ??= new warmPool.WarmPool());
      return (options) => {
        const session = startSupervisorSession(options, warm);
        void session.done.finally(() => warm.fill());
        return session;
      };
    },
    dispose: async () => {
      disposed = true;
      await pool?.dispose();
    },
  };
}
