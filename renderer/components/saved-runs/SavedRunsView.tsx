import { useEffect } from 'react';
import type { SavedRunInfo } from '../../../app/api/contract';
import { titleOf } from '../../state/saved-runs-store';
import { useStudio } from '../studio-context';
import { useSavedRuns } from '../trace-views/use-trace-stores';
import { CompareView } from './CompareView';
import { formatBytes, formatStart } from './run-labels';

/**
 * The runs saved while they ran: open one into the run panel, export its file, or tick two and
 * compare them.
 */
export function SavedRunsView() {
  const { stores } = useStudio();
  const saved = stores.savedRuns.getState();
  const runs = useSavedRuns((s) => s.runs);
  const unreadable = useSavedRuns((s) => s.unreadable);
  const listError = useSavedRuns((s) => s.listError);
  const listing = useSavedRuns((s) => s.listing);
  const selection = useSavedRuns((s) => s.selection);
  const comparison = useSavedRuns((s) => s.comparison);
  const connected = useSavedRuns((s) => s.connected);

  useEffect(() => {
    if (connected) void stores.savedRuns.getState().refresh();
  }, [connected, stores]);

  if (comparison) return <CompareView />;
  // Ids begin with the start time: the older run is A.
  const [first, second] = [...selection].sort();

  return (
    <div className="saved-runs" data-testid="saved-runs">
      <div className="saved-runs-bar">
        <span className="saved-runs-note">
          Every run is saved as it runs (NDJSON, one event per line).
        </span>
        <button
          type="button"
          className="button"
          disabled={listing}
          onClick={() => void saved.refresh()}
        >
          {listing ? 'Listing…' : 'Refresh'}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={first === undefined || second === undefined}
          onClick={() => {
            if (first !== undefined && second !== undefined) void saved.compare(first, second);
          }}
          title="Tick two runs to compare them: the older one is A"
        >
          Compare {selection.length}/2
        </button>
      </div>
      {listError ? (
        <p className="saved-runs-error" role="alert">
          Cannot list the saved runs: {listError}
        </p>
      ) : null}
      {runs && runs.length === 0 ? (
        <p className="saved-runs-empty">
          No run was saved yet: run the policy with Learn or Check.
        </p>
      ) : null}
      {runs && runs.length > 0 ? (
        <table className="saved-runs-table">
          <caption className="trace-sr-only">Saved runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="trace-sr-only">Compare</span>
              </th>
              <th scope="col">run</th>
              <th scope="col">mode</th>
              <th scope="col">started</th>
              <th scope="col">outcome</th>
              <th scope="col">events</th>
              <th scope="col">
                <span className="trace-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <SavedRunRow key={run.id} run={run} selected={selection.includes(run.id)} />
            ))}
          </tbody>
        </table>
      ) : null}
      {unreadable.length > 0 ? (
        <details className="saved-runs-unreadable">
          <summary>{unreadable.length} files in the runs folder are not readable runs</summary>
          <ul>
            {unreadable.map((file) => (
              <li key={file.id}>
                <code>{file.id}</code>: {file.error}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function SavedRunRow({ run, selected }: { run: SavedRunInfo; selected: boolean }) {
  const { stores } = useStudio();
  const saved = stores.savedRuns.getState();
  const exporting = useSavedRuns((s) => s.exporting);
  const opened = useSavedRuns((s) => s.opened);
  const title = titleOf(run);
  const isOpen = opened?.id === run.id;
  return (
    <tr className={`${selected ? 'selected' : ''}${isOpen ? ' open' : ''}`} data-run-id={run.id}>
      <td>
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Compare ${title} started ${formatStart(run.startedAt)}`}
          onChange={() => saved.toggleSelected(run.id)}
        />
      </td>
      <td className="run-title" title={run.command.join(' ')}>
        {title}
      </td>
      <td>
        <span className={`mode-badge mode-${run.mode}`}>{run.mode}</span>
        {run.importedFrom ? (
          <>
            {' '}
            <span
              className="mode-badge run-origin"
              title={`Imported from the strace log ${run.importedFrom.fileName}`}
            >
              strace
              <span className="trace-sr-only">
                : imported from the strace log {run.importedFrom.fileName}
              </span>
            </span>
          </>
        ) : null}
      </td>
      <td className="run-start">{formatStart(run.startedAt)}</td>
      <td className={`run-outcome state-${run.state}`} title={run.message}>
        {run.state === 'incomplete'
          ? 'incomplete (the studio stopped first)'
          : (run.message ?? run.state)}
      </td>
      <td className="run-events">
        {run.events === undefined ? '' : run.events.toLocaleString('en-US')}
        <span className="run-bytes"> · {formatBytes(run.bytes)}</span>
      </td>
      <td className="run-actions">
        <button
          type="button"
          className="button"
          aria-label={`Open ${title} started ${formatStart(run.startedAt)}`}
          disabled={opened?.status === 'loading'}
          onClick={() => {
            void saved.open(run.id).then(() => {
              if (stores.savedRuns.getState().opened?.status === 'loaded')
                stores.traceView.getState().setTab('events');
            });
          }}
        >
          Open
        </button>
        <button
          type="button"
          className="button"
          aria-label={`Export ${title} started ${formatStart(run.startedAt)}`}
          disabled={exporting !== null}
          onClick={() => void saved.exportRun(run.id)}
        >
          {exporting?.id === run.id ? `Exporting… ${formatBytes(exporting.done)}` : 'Export'}
        </button>
      </td>
    </tr>
  );
}
