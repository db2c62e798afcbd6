import '../../styles/filter-panel.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Arch } from '../../../app/linux/syscalls';
import type { Policy } from '../../../app/policy/model';
import { selectAnalysisCurrent } from '../../state/document-store';
import { useDocument } from '../studio-context';
import { compiledView, panelArches, type CompiledView } from './compiled-view';
import { DecisionGraph } from './DecisionGraph';
import { Disassembly } from './Disassembly';
import { highlightFor, type Highlight } from './highlight';
import { PanelResizer, usePanelOpen, usePanelWidth } from './panel-layout';
import { showInPolicyEditor, usePolicyCursor } from './policy-editor-link';
import { ruleRangeInFile, rulesAtOffset } from './rules-at-offset';

type Tab = 'listing' | 'graph';

/**
 * The policy as the kernel will see it, beside the editor: the compiled filter of one of its
 * arches as disassembly or decision tree, its length, and the instructions of the rule at the
 * editor's cursor. Collapsible; its width is remembered.
 */
export function FilterPanel() {
  const [open, setOpen] = usePanelOpen();
  if (!open) {
    return (
      <div className="filter-panel-tab">
        <button
          type="button"
          aria-expanded={false}
          title="Show the compiled filter"
          onClick={() => setOpen(true)}
        >
          Compiled filter
        </button>
      </div>
    );
  }
  return <OpenPanel onClose={() => setOpen(false)} />;
}

/** The policy to show: the current one, or the last valid one while the text has errors. */
function useShownPolicy(): { policy: Policy | undefined; current: boolean } {
  const analyzed = useDocument((s) => s.analysis.policy);
  const current = useDocument(selectAnalysisCurrent);
  const [lastValid, setLastValid] = useState<Policy | undefined>(undefined);
  useEffect(() => {
    if (analyzed) setLastValid(analyzed);
  }, [analyzed]);
  return { policy: analyzed ?? lastValid, current: current && analyzed !== undefined };
}

function OpenPanel({ onClose }: { onClose: () => void }) {
  const panel = useRef<HTMLElement>(null);
  const width = usePanelWidth();
  const { policy, current } = useShownPolicy();
  const arches = panelArches(policy);
  const [chosen, setChosen] = useState<Arch | null>(null);
  const arch = chosen !== null && arches.includes(chosen) ? chosen : (arches[0] ?? 'x86_64');
  const [tab, setTab] = useState<Tab>('listing');
  const result = useMemo(() => (policy ? compiledView(policy, arch) : undefined), [policy, arch]);
  const cursor = usePolicyCursor();
  const rules = useMemo(
    () => (current ? rulesAtOffset(policy, cursor) : []),
    [current, policy, cursor],
  );
  const view = result?.ok ? result.view : undefined;
  const highlight = useMemo(
    () => (view ? highlightFor(view.origins, rules) : undefined),
    [view, rules],
  );

  const onPick = useCallback(
    (pc: number) => {
      const index = view?.origins.byInstruction[pc]?.[0];
      const rule = index === undefined ? undefined : policy?.linux.seccomp?.rules[index];
      if (rule && current) showInPolicyEditor(ruleRangeInFile(rule));
    },
    [view, policy, current],
  );

  return (
    <aside
      className="filter-panel"
      ref={panel}
      style={width.style}
      aria-label="Compiled filter"
      data-testid="filter-panel"
    >
      <PanelResizer width={width} panel={panel} />
      <div className="filter-panel-header">
        <h2>Filter</h2>
        <label className="filter-panel-arch">
          <span>Arch</span>
          <select value={arch} onChange={(e) => setChosen(e.target.value as Arch)}>
            {arches.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-panel-tabs" role="tablist" aria-label="Filter view">
          {(['listing', 'graph'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'selected' : undefined}
              onClick={() => setTab(t)}
            >
              {t === 'listing' ? 'Disassembly' : 'Graph'}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="filter-panel-close"
          aria-label="Hide the compiled filter"
          aria-expanded={true}
          onClick={onClose}
        >
          ×
        </button>
      </div>
      <PanelStatus
        policy={policy}
        current={current}
        result={result}
        rules={rules}
        highlight={highlight}
      />
      {view && highlight ? (
        <div className="filter-panel-body" role="tabpanel">
          {tab === 'listing' ? (
            <Disassembly view={view} highlight={highlight} onPick={onPick} />
          ) : (
            <DecisionGraph view={view} highlight={highlight} onPick={onPick} />
          )}
        </div>
      ) : null}
    </aside>
  );
}

interface StatusProps {
  readonly policy: Policy | undefined;
  readonly current: boolean;
  readonly result: ReturnType<typeof compiledView> | undefined;
  readonly rules: readonly number[];
  readonly highlight: Highlight | undefined;
}

function ruleSummary(rules: readonly number[], highlight: Highlight | undefined): string {
  if (rules.length === 0) return 'Put the cursor on a rule to see its instructions.';
  const own = highlight?.own.size ?? 0;
  const which = rules.length === 1 ? 'This rule' : `These ${rules.length} rules`;
  if (own === 0) return `${which} produced no code here: earlier rules decide its syscalls.`;
  return `${which}: ${own} instruction${own === 1 ? '' : 's'} highlighted.`;
}

function statsLine(view: CompiledView): string {
  const { instructions, maxExecuted, argumentBlocks } = view.stats;
  return `${instructions} instructions · at most ${maxExecuted} run · ${argumentBlocks} argument block${argumentBlocks === 1 ? '' : 's'}`;
}

function PanelStatus({ policy, current, result, rules, highlight }: StatusProps) {
  if (!policy) {
    return <p className="filter-panel-note">Fix the policy’s errors to see its filter.</p>;
  }
  if (result && !result.ok) {
    return <p className="filter-panel-note error">{result.error}</p>;
  }
  return (
    <div className="filter-panel-status">
      {result?.ok ? <p data-testid="filter-stats">{statsLine(result.view)}</p> : null}
      <p className="filter-panel-note">
        {current ? ruleSummary(rules, highlight) : 'Showing the last valid version of the policy.'}
      </p>
    </div>
  );
}
