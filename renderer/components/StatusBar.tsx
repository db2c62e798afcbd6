import { useMemo } from 'react';
import { countDiagnostics, selectAnalysisCurrent, selectDirty } from '../state/document-store';
import { useConnection, useDocument } from './studio-context';

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
} as const;

export function StatusBar() {
  const name = useDocument((s) => s.name);
  const dirty = useDocument(selectDirty);
  const diagnostics = useDocument((s) => s.analysis.diagnostics);
  const current = useDocument(selectAnalysisCurrent);
  const counts = useMemo(() => countDiagnostics(diagnostics), [diagnostics]);
  const status = useConnection((s) => s.status);
  const host = useConnection((s) => s.host);
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="status-item file-name" title={dirty ? 'Unsaved changes' : 'Saved'}>
        {name ?? 'untitled.sandbox.yaml'}
        {dirty ? (
          <span className="dirty-marker" aria-label="unsaved changes">
            {' '}
            ●
          </span>
        ) : null}
      </span>
      <span
        className={`status-item diagnostics${counts.errors ? ' has-errors' : ''}${current ? '' : ' stale'}`}
        aria-label={`${counts.errors} errors, ${counts.warnings} warnings`}
      >
        <span className="diag-errors">✕ {counts.errors}</span>
        <span className="diag-warnings">⚠ {counts.warnings}</span>
      </span>
      <span className="status-spacer" />
      {host ? (
        <span className="status-item host">
          {host.kind === 'web' ? 'Web' : 'Desktop'}
          {host.workspace ? ` · ${host.workspace}` : ''} · v{host.version}
        </span>
      ) : null}
      <span className={`status-item connection connection-${status}`}>
        <span className="connection-dot" aria-hidden="true" />
        {CONNECTION_LABEL[status]}
      </span>
    </footer>
  );
}
