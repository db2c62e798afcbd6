import { useEffect, useState } from 'react';
import { SHORTCUT_LABELS } from '../commands/keymap';
import { isActive, type CurrentRun } from '../state/runs-store';
import { formatElapsed } from './elapsed';
import { useRuns } from './studio-context';

const MODE_LABEL = { learn: 'Learn', check: 'Check', enforce: 'Enforce' } as const;

/** One line about the current run: mode, state, elapsed time and how many events arrived. */
export function RunStatus() {
  const run = useRuns((s) => s.run);
  const eventCount = useRuns((s) => s.eventCount);
  const now = useNow(isActive(run));
  if (!run) {
    return (
      <div className="run-status idle" role="status">
        No run yet. <kbd>{SHORTCUT_LABELS.learn}</kbd> Learn records what the target uses;{' '}
        <kbd>{SHORTCUT_LABELS.check}</kbd> Check runs it under the policy;{' '}
        <kbd>{SHORTCUT_LABELS.enforce}</kbd> Enforce installs it exactly as deployed.
      </div>
    );
  }
  return (
    <div className="run-status" role="status" aria-live="polite">
      <span className={`mode-badge mode-${run.mode}`}>{MODE_LABEL[run.mode]}</span>
      <span className={`state-pill state-${run.state}`}>{run.state}</span>
      <span className="run-metric">{formatElapsed(elapsedMs(run, now))}</span>
      <span className="run-metric">
        {eventCount.toLocaleString('en-US')} {eventCount === 1 ? 'event' : 'events'}
      </span>
      {run.message ? <span className="run-message">{run.message}</span> : null}
    </div>
  );
}

function elapsedMs(run: CurrentRun, now: number): number {
  return Math.max(0, (run.endedAt ?? now) - run.startedAt);
}

/** The wall clock, re-read ten times a second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
