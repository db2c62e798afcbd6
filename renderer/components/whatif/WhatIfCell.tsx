import type { TraceEvent } from '../../../app/trace/events';
import { whatIfVerdictAt } from '../../state/whatif-store';
import { WHATIF_COLUMN_TITLE, whatIfCellText } from '../event-table/event-cells';
import { useWhatIf } from './use-whatif';

/** The what-if column's header cell. */
export function WhatIfHeader() {
  return (
    <div role="columnheader" className="cell cell-whatif" title="What the edited policy would do">
      {WHATIF_COLUMN_TITLE}
    </div>
  );
}

/** The edited policy's verdict on the event at `index` of the run (empty for other events). */
export function WhatIfCell({ index, event }: { index: number; event: TraceEvent }) {
  const verdict = useWhatIf((s) => whatIfVerdictAt(s, index));
  const outcome = useWhatIf((s) => (verdict === 'none' ? undefined : s.verdicts?.outcomeOf(index)));
  const stale = useWhatIf((s) => s.status === 'stale');
  const observed = event.type === 'syscall' || event.type === 'denied' ? event.action : undefined;
  const { text, title } = whatIfCellText(verdict, outcome, observed);
  return (
    <div
      role="cell"
      className={`cell cell-whatif whatif-${verdict}${stale ? ' whatif-stale' : ''}`}
      title={title || undefined}
      data-whatif={verdict}
    >
      {text}
    </div>
  );
}
