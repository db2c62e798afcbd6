import { EventFilter } from './event-table/EventFilter';
import { EventTable } from './event-table/EventTable';
import { useFilteredRows } from './event-table/use-filtered-rows';
import { ProcessTree } from './process-tree/ProcessTree';
import { RunStatus } from './RunStatus';
import { Verdict } from './Verdict';
import { WhatIfSummary } from './whatif/WhatIfSummary';
import { ProposalsPanel } from './proposals/ProposalsPanel';
import { TraceViews } from './trace-views/TraceViews';

export function RunPanel() {
  const { rows, count } = useFilteredRows();
  return (
    <section className="run-panel" aria-label="Run">
      <div className="panel-header">
        <h2>Run</h2>
        <RunStatus />
        <WhatIfSummary />
      </div>
      <Verdict />
      <ProposalsPanel />
      <ProcessTree />
      <TraceViews rows={rows} count={count}>
        <EventFilter shown={count} />
        <EventTable rows={rows} count={count} />
      </TraceViews>
    </section>
  );
}
