import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EventVerdicts, VerdictCounts } from '../../app/whatif/event-verdicts';
import { VERDICT, verdictName, type WhatIfVerdict } from '../../app/whatif/verdicts';

/**
 * - `idle`: nothing to judge yet (no run events, or no policy has compiled);
 * - `current`: the verdicts are those of the document's policy as it is;
 * - `stale`: the policy has errors (or does not compile): the verdicts are of the last policy
 *   that compiled, and `message` says why.
 */
export type WhatIfStatus = 'idle' | 'current' | 'stale';

export interface WhatIfState {
  readonly status: WhatIfStatus;
  readonly message: string | null;
  /** The verdict code (VERDICT) of each event of the current run, by event index. */
  readonly codes: Uint8Array;
  readonly counts: VerdictCounts;
  /** The evaluation behind `codes`: the edited policy's action for an event (`outcomeOf`). */
  readonly verdicts: EventVerdicts | null;
  /** Milliseconds the last re-evaluation for a policy change took (compile, evaluate, map). */
  readonly lastMs: number | null;
  /** Bumped whenever `codes` or `counts` change. */
  readonly version: number;

  /** New verdicts: for another policy, or more events of the run. */
  published(update: {
    readonly verdicts: EventVerdicts | null;
    readonly status: WhatIfStatus;
    readonly message?: string | null;
    readonly lastMs?: number | null;
  }): void;
  /** The policy stopped compiling: keep the verdicts, say why they are not current. */
  staled(message: string): void;
}

export type WhatIfStore = StoreApi<WhatIfState>;

const NO_COUNTS: VerdictCounts = { allowed: 0, denied: 0, changed: 0, unknown: 0 };
const NO_CODES = new Uint8Array(0);

export function createWhatIfStore(): WhatIfStore {
  return createStore<WhatIfState>()((set, get) => ({
    status: 'idle',
    message: null,
    codes: NO_CODES,
    counts: NO_COUNTS,
    verdicts: null,
    lastMs: null,
    version: 0,

    published(update) {
      const { verdicts } = update;
      set({
        status: verdicts && verdicts.length > 0 ? update.status : 'idle',
        message: update.message === undefined ? get().message : update.message,
        verdicts,
        codes: verdicts ? verdicts.codes() : NO_CODES,
        counts: verdicts ? verdicts.counts : NO_COUNTS,
        lastMs: update.lastMs === undefined ? get().lastMs : update.lastMs,
        version: get().version + 1,
      });
    },
    staled(message) {
      if (get().status === 'stale' && get().message === message) return;
      set({ status: get().verdicts ? 'stale' : 'idle', message });
    },
  }));
}

/** The what-if verdict of event `index` (`none` when there is none). */
export function whatIfVerdictAt(state: Pick<WhatIfState, 'codes'>, index: number): WhatIfVerdict {
  return verdictName(state.codes[index] ?? VERDICT.none);
}
