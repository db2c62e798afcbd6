import { useAvailability, useRuns } from './studio-context';

/** What the last run amounts to: the headline, and the facts behind it on demand. */
export function Verdict() {
  const verdict = useRuns((s) => s.verdict);
  const mode = useRuns((s) => s.run?.mode);
  const canAllow = useAvailability().allowObserved;
  if (!verdict) return null;
  const tone = verdict.clean ? 'clean' : mode === 'learn' ? 'learned' : 'failed';
  return (
    <section className={`verdict verdict-${tone}`} data-testid="verdict" aria-label="Verdict">
      <div className="verdict-headline">
        <span className="verdict-mark" aria-hidden="true">
          {verdict.clean ? '✓' : mode === 'learn' ? '●' : '✕'}
        </span>
        <span>{verdict.headline}</span>
      </div>
      {canAllow ? (
        <p className="verdict-hint">
          Press <strong>Allow observed</strong> to add them to the policy, then <kbd>F6</kbd> Check.
        </p>
      ) : null}
      {verdict.details.length > 0 ? (
        <details className="verdict-details">
          <summary>Details ({verdict.details.length})</summary>
          <ul>
            {verdict.details.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
