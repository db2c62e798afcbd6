import './whatif.css';
import { useShallow } from 'zustand/react/shallow';
import { useWhatIf, useWhatIfEngine } from './use-whatif';

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * One line over the event table: what the policy in the editor would do with the recorded
 * syscalls, updated as the policy is edited, without running the program again.
 */
export function WhatIfSummary() {
  useWhatIfEngine();
  const { status, message, counts, lastMs } = useWhatIf(
    useShallow((s) => ({
      status: s.status,
      message: s.message,
      counts: s.counts,
      lastMs: s.lastMs,
    })),
  );
  if (status === 'idle') return null;
  const parts = [
    `${count(counts.allowed)} allowed now`,
    `${count(counts.changed)} changed`,
    `${count(counts.denied)} still denied`,
    ...(counts.unknown > 0 ? [`${count(counts.unknown)} unknown`] : []),
  ];
  return (
    <div
      className={`whatif-summary${status === 'stale' ? ' whatif-stale' : ''}`}
      data-testid="whatif-summary"
      title="The recorded syscalls judged by the policy in the editor: allowed now, denied with another action than in the run (changed), or denied as in the run"
    >
      <span className="whatif-label">what-if:</span> {parts.join(', ')}
      {status === 'stale' && message ? <span className="whatif-note"> — {message}</span> : null}
      {status === 'current' && lastMs !== null ? (
        <span className="whatif-time"> · {lastMs < 1 ? '<1' : Math.round(lastMs)} ms</span>
      ) : null}
    </div>
  );
}
