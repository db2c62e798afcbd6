import { useStudio } from '../studio-context';
import { useSavedRuns } from '../trace-views/use-trace-stores';
import { formatStart } from './run-labels';

/** Which saved run the run panel shows (read-only), or how far its loading got. */
export function OpenedRunBanner() {
  const { stores } = useStudio();
  const opened = useSavedRuns((s) => s.opened);
  if (!opened) return null;
  const progress =
    opened.total !== undefined && opened.total > 0
      ? ` ${Math.floor((opened.loaded / opened.total) * 100)} %`
      : '';
  return (
    <div className={`opened-run ${opened.status}`} role="status" data-testid="opened-run">
      <span className="opened-run-text">
        {opened.status === 'loading'
          ? `Opening saved run ${opened.title}… ${opened.loaded.toLocaleString('en-US')} events${progress}`
          : opened.status === 'failed'
            ? `Cannot open saved run ${opened.title}: ${opened.error ?? 'unknown error'}`
            : `Saved run (read-only): ${opened.title} · ${opened.mode} · ${formatStart(opened.startedAt)} · ` +
              `${opened.loaded.toLocaleString('en-US')} events` +
              (opened.truncated ? ' · its last line was cut short' : '')}
      </span>
      {opened.status !== 'loaded' ? (
        <button
          type="button"
          className="button"
          onClick={() => stores.savedRuns.getState().cancelOpen()}
        >
          {opened.status === 'loading' ? 'Cancel' : 'Dismiss'}
        </button>
      ) : null}
    </div>
  );
}
