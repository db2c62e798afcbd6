import { useMemo } from 'react';
import { describeSeccomp, filterProcesses } from '../../state/audit-store';
import { useStudio } from '../studio-context';
import { useAudit } from './AuditView';

/** The running processes, filtered by pid, command, user or seccomp state as the user types. */
export function ProcessList() {
  const { stores } = useStudio();
  const audit = stores.audit.getState();
  const processes = useAudit((s) => s.processes);
  const listError = useAudit((s) => s.listError);
  const filter = useAudit((s) => s.filter);
  const selectedPid = useAudit((s) => s.selectedPid);
  const shown = useMemo(() => filterProcesses(processes ?? [], filter), [processes, filter]);
  return (
    <section className="audit-processes" aria-label="Processes">
      <div className="audit-list-tools">
        <input
          type="search"
          className="audit-filter"
          aria-label="Filter processes"
          placeholder="Filter: pid, command, user, seccomp:filter"
          value={filter}
          data-autofocus
          onChange={(e) => audit.setFilter(e.target.value)}
        />
        <button type="button" className="button" onClick={() => void audit.refresh()}>
          Refresh
        </button>
      </div>
      {listError ? <p role="alert">Cannot list processes: {listError}</p> : null}
      {processes === null ? <p>Listing processes…</p> : null}
      <p className="audit-count" aria-live="polite">
        {processes === null ? '' : `${shown.length} of ${processes.length} processes`}
      </p>
      <ul className="audit-process-list">
        {shown.map((p) => (
          <li key={p.pid}>
            <button
              type="button"
              className="audit-process"
              aria-pressed={p.pid === selectedPid}
              data-pid={p.pid}
              title={p.command}
              onClick={() => void audit.inspect(p.pid)}
            >
              <span className="audit-pid">{p.pid}</span>
              <span className="audit-command">{p.command}</span>
              <span className="audit-user">{p.user}</span>
              <span className={`audit-seccomp seccomp-${p.seccomp}`}>{describeSeccomp(p)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
