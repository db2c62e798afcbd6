import { useState } from 'react';
import { describeExit, describeVerdict, type RunComparison } from '../../../app/trace/compare-runs';
import type { RunFileHeader } from '../../../app/trace/run-file';
import { titleOf } from '../../state/saved-runs-store';
import { useStudio } from '../studio-context';
import { useSavedRuns } from '../trace-views/use-trace-stores';
import { formatDelta, formatStart } from './run-labels';

const CHANGE_TITLES = {
  new: 'new in B',
  removed: 'gone in B',
  more: 'more in B',
  fewer: 'fewer in B',
  same: 'same',
} as const;

/** Two saved runs side by side: what changed from A (the older) to B. */
export function CompareView() {
  const { stores } = useStudio();
  const comparison = useSavedRuns((s) => s.comparison);
  const [changesOnly, setChangesOnly] = useState(true);
  if (!comparison) return null;
  const close = () => stores.savedRuns.getState().closeComparison();

  return (
    <div className="compare-view" data-testid="compare-view">
      <div className="saved-runs-bar">
        <h3 className="compare-title">Compare runs</h3>
        <label className="compare-toggle">
          <input
            type="checkbox"
            checked={changesOnly}
            onChange={(e) => setChangesOnly(e.target.checked)}
          />
          Changes only
        </label>
        <button type="button" className="button" onClick={close}>
          Back to saved runs
        </button>
      </div>
      {comparison.status === 'loading' ? (
        <p className="compare-loading">Reading both runs…</p>
      ) : null}
      {comparison.status === 'failed' ? (
        <p className="saved-runs-error" role="alert">
          Cannot compare: {comparison.error}
        </p>
      ) : null}
      {comparison.status === 'ready' && comparison.result && comparison.headers ? (
        <ComparisonBody
          result={comparison.result}
          headers={comparison.headers}
          complete={comparison.complete ?? { a: true, b: true }}
          changesOnly={changesOnly}
        />
      ) : null}
    </div>
  );
}

function ComparisonBody(props: {
  result: RunComparison;
  headers: { a: RunFileHeader; b: RunFileHeader };
  complete: { a: boolean; b: boolean };
  changesOnly: boolean;
}) {
  const { result, headers } = props;
  const rows = props.changesOnly ? result.rows.filter((row) => row.kind !== 'same') : result.rows;
  const samePolicy = headers.a.policyText === headers.b.policyText;
  // Syscalls only one run made are in the headline already; here, those both made differently.
  const verdictChanges = result.verdictChanges.filter((c) => c.a.length > 0 && c.b.length > 0);
  return (
    <>
      <div className="compare-sides">
        <RunSide side="A" header={headers.a} complete={props.complete.a} />
        <RunSide side="B" header={headers.b} complete={props.complete.b} />
      </div>
      <table className="compare-facts">
        <caption className="trace-sr-only">The two runs in numbers</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="trace-sr-only">fact</span>
            </th>
            <th scope="col">A</th>
            <th scope="col">B</th>
          </tr>
        </thead>
        <tbody>
          <Fact
            name="exit"
            a={describeExit(result.exit.a)}
            b={describeExit(result.exit.b)}
            changed={result.exit.changed}
          />
          <Fact name="events" a={result.totals.a.events} b={result.totals.b.events} />
          <Fact name="denials" a={result.totals.a.denials} b={result.totals.b.denials} />
          <Fact name="processes" a={result.totals.a.processes} b={result.totals.b.processes} />
          <Fact name="errors" a={result.totals.a.errors} b={result.totals.b.errors} />
          <Fact
            name="policy"
            a={headers.a.policyName ?? '—'}
            b={samePolicy ? 'same text' : 'changed'}
            changed={!samePolicy}
          />
        </tbody>
      </table>
      <p className="compare-headline" aria-live="polite">
        {result.changes === 0
          ? 'The runs made the same syscalls with the same verdicts.'
          : `${result.changes} ${result.changes === 1 ? 'difference' : 'differences'}` +
            (result.addedNames.length ? ` · new in B: ${result.addedNames.join(', ')}` : '') +
            (result.removedNames.length ? ` · gone in B: ${result.removedNames.join(', ')}` : '')}
      </p>
      {verdictChanges.length > 0 ? (
        <ul className="verdict-changes" aria-label="Syscalls whose verdict changed">
          {verdictChanges.map((change) => (
            <li key={change.name}>
              <code>{change.name}</code>: {change.a.join(', ')} → {change.b.join(', ')}
            </li>
          ))}
        </ul>
      ) : null}
      <table className="compare-table">
        <caption className="trace-sr-only">Syscalls of both runs</caption>
        <thead>
          <tr>
            <th scope="col">syscall</th>
            <th scope="col">verdict</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
            <th scope="col">Δ</th>
            <th scope="col">change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={`${row.name}\u0000${row.verdict}\u0000${row.action}`}
              className={`change-${row.kind}`}
            >
              <th scope="row">{row.name}</th>
              <td>{describeVerdict(row)}</td>
              <td>{row.a.toLocaleString('en-US')}</td>
              <td>{row.b.toLocaleString('en-US')}</td>
              <td>{formatDelta(row.a, row.b)}</td>
              <td>
                <span className={`change-badge change-${row.kind}`}>{CHANGE_TITLES[row.kind]}</span>
              </td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="compare-none">
                {props.changesOnly ? 'No syscall changed.' : 'Neither run reported a syscall.'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </>
  );
}

function RunSide(props: { side: 'A' | 'B'; header: RunFileHeader; complete: boolean }) {
  const { header } = props;
  return (
    <div className="compare-side">
      <span className="compare-side-letter">{props.side}</span>
      <span className="compare-side-title">{titleOf(header)}</span>
      <span className="compare-side-meta">
        {header.mode} · {formatStart(header.startedAt)}
        {props.complete ? '' : ' · incomplete'}
      </span>
    </div>
  );
}

function Fact(props: { name: string; a: string | number; b: string | number; changed?: boolean }) {
  const changed = props.changed ?? props.a !== props.b;
  const show = (value: string | number) =>
    typeof value === 'number' ? value.toLocaleString('en-US') : value;
  return (
    <tr className={changed ? 'changed' : ''}>
      <th scope="row">{props.name}</th>
      <td>{show(props.a)}</td>
      <td>{show(props.b)}</td>
    </tr>
  );
}
