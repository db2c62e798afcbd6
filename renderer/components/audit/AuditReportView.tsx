import type { AuditFilter, AuditReport, AuditThread } from '../../../app/api/contract';
import { CAPABILITY_NAMES } from '../../../app/linux/capabilities';
import { decodeCapabilities, describeLandlock, describeYama } from '../../state/audit-store';
import { useStudio } from '../studio-context';
import { useAudit } from './AuditView';

/** The picked process: posture per thread, system-wide facts, and its seccomp filters. */
export function AuditReportView() {
  const selectedPid = useAudit((s) => s.selectedPid);
  const report = useAudit((s) => s.report);
  const inspecting = useAudit((s) => s.inspecting);
  const inspectError = useAudit((s) => s.inspectError);
  return (
    <section className="audit-report" aria-label="Process posture">
      {selectedPid === null ? <p>Pick a process to see its sandbox posture.</p> : null}
      {inspecting ? <p>Reading process {selectedPid}…</p> : null}
      {inspectError ? (
        <p role="alert">
          Cannot inspect process {selectedPid}: {inspectError}
        </p>
      ) : null}
      {report ? <Report report={report} /> : null}
    </section>
  );
}

function Report({ report }: { report: AuditReport }) {
  const { posture } = report;
  const separate = posture.namespaces.filter((n) => n.separate).map((n) => n.kind);
  return (
    <>
      <h3 className="audit-title">
        Process {posture.pid}: <code>{posture.command}</code>
      </h3>
      <dl className="audit-facts">
        <dt>Dumpable</dt>
        <dd>
          {posture.dumpable === 'unknown'
            ? 'unknown (runs as root)'
            : posture.dumpable
              ? 'yes'
              : 'no'}
        </dd>
        <dt>Yama ptrace scope</dt>
        <dd>{describeYama(posture.yamaPtraceScope)}</dd>
        <dt>Landlock</dt>
        <dd>{describeLandlock(posture)}</dd>
        <dt>Namespaces</dt>
        <dd>{separate.length === 0 ? 'all shared with PID 1' : `own ${separate.join(', ')}`}</dd>
      </dl>
      <Filters report={report} />
      <h4>Threads</h4>
      {posture.threads.map((t) => (
        <ThreadPosture key={t.tid} thread={t} />
      ))}
      <Namespaces report={report} />
      <Limits report={report} />
    </>
  );
}

/** Up to this many names show inline; longer sets (root's, say) fold behind their count. */
const INLINE_CAPABILITIES = 8;

function CapabilitySet({ hex }: { hex: string | undefined }) {
  const names = decodeCapabilities(hex);
  if (names.length === 0) return <>none</>;
  if (names.length <= INLINE_CAPABILITIES) return <>{names.join(' ')}</>;
  const count =
    names.length === CAPABILITY_NAMES.length
      ? `all ${names.length} capabilities`
      : `${names.length} of ${CAPABILITY_NAMES.length} capabilities`;
  return (
    <details>
      <summary>{count}</summary>
      {names.join(' ')}
    </details>
  );
}

function ThreadPosture({ thread }: { thread: AuditThread }) {
  const nnp = thread.noNewPrivs === undefined ? 'unknown' : thread.noNewPrivs ? 'on' : 'off';
  const filters = thread.seccompFilters === undefined ? '' : `, ${thread.seccompFilters} filter(s)`;
  const sets = ['effective', 'permitted', 'inheritable', 'bounding', 'ambient'] as const;
  return (
    <div className="audit-thread" data-tid={thread.tid}>
      <p>
        <strong>
          Thread {thread.tid} ({thread.name})
        </strong>
        : seccomp {thread.seccomp ?? 'unknown'}
        {filters}; no_new_privs {nnp}
        {thread.uid ? `; uid ${thread.uid.real}/${thread.uid.effective}` : ''}
      </p>
      <table className="audit-table">
        <caption>Capabilities of thread {thread.tid}</caption>
        <tbody>
          {sets.map((set) => (
            <tr key={set}>
              <th scope="row">{set}</th>
              <td>
                <CapabilitySet hex={thread.capabilities[set]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Namespaces({ report }: { report: AuditReport }) {
  return (
    <table className="audit-table">
      <caption>Namespaces</caption>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Id</th>
          <th scope="col">Own (not PID 1's)</th>
        </tr>
      </thead>
      <tbody>
        {report.posture.namespaces.map((n) => (
          <tr key={n.kind}>
            <td>{n.kind}</td>
            <td>
              <code>{n.id}</code>
            </td>
            <td>{n.separate ? 'yes' : 'no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Limits({ report }: { report: AuditReport }) {
  return (
    <table className="audit-table">
      <caption>Resource limits</caption>
      <thead>
        <tr>
          <th scope="col">Limit</th>
          <th scope="col">Soft</th>
          <th scope="col">Hard</th>
          <th scope="col">Unit</th>
        </tr>
      </thead>
      <tbody>
        {report.posture.limits.map((l) => (
          <tr
            key={l.name}
            className={
              l.soft === 'unlimited' && l.hard === 'unlimited' ? 'audit-unlimited' : undefined
            }
          >
            <td>{l.name}</td>
            <td>{l.soft}</td>
            <td>{l.hard}</td>
            <td>{l.unit}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Filters({ report }: { report: AuditReport }) {
  const anyFilter = report.posture.threads.some((t) => t.seccomp === 'filter');
  return (
    <section className="audit-filters" aria-label="Seccomp filters">
      <h4>Seccomp filters</h4>
      {!anyFilter ? <p>None: no thread runs under a seccomp filter.</p> : null}
      {report.filtersUnreadable ? (
        <p role="alert" className="audit-unreadable">
          {report.filtersUnreadable}
        </p>
      ) : null}
      {report.filters.map((f) => (
        <FilterView key={f.index} filter={f} />
      ))}
    </section>
  );
}

function FilterView({ filter }: { filter: AuditFilter }) {
  const { stores } = useStudio();
  return (
    <article className="audit-filter-item" aria-label={`Filter ${filter.index}`}>
      <h5>
        Filter {filter.index} ({filter.length} instructions
        {filter.index === 0 ? ', runs first' : ''})
      </h5>
      <details>
        <summary>Disassembly</summary>
        <pre
          className="audit-code"
          tabIndex={0}
          aria-label={`Disassembly of filter ${filter.index}`}
        >
          {filter.disassembly}
        </pre>
      </details>
      {filter.policy !== undefined ? (
        <>
          <pre
            className="audit-code"
            tabIndex={0}
            aria-label={`Decompiled policy of filter ${filter.index}`}
          >
            {filter.policy}
          </pre>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void stores.audit.getState().openAsPolicy(filter.policy ?? '')}
          >
            Open as policy
          </button>
        </>
      ) : (
        <p>Not decompiled: {filter.decompileError ?? 'unknown reason'}</p>
      )}
    </article>
  );
}
