import './proposals.css';
import { useEffect, useMemo, useRef } from 'react';
import { lowRiskPending, selectPending, selectRejected } from '../../state/proposals-store';
import { useAvailability, useCommands, useDocument } from '../studio-context';
import { ProposalItem, type ProposalActions } from './ProposalItem';
import { useProposals, useProposalsStore } from './use-proposals';

/**
 * After a run with denials (or syscalls a learn run found not allowed yet): the smallest rule
 * per syscall that lets what was observed run, its risk, and accept / reject / edit for each, in
 * the manner of aa-logprof. Accepted rules go into the editor's text; F6 checks again.
 */
export function ProposalsPanel() {
  const observations = useProposals((s) => s.observations);
  const set = useProposals((s) => s.set);
  const rejected = useProposals((s) => s.rejected);
  const choices = useProposals((s) => s.choices);
  const accepted = useProposals((s) => s.accepted);
  const error = useProposals((s) => s.error);
  const computedFor = useProposals((s) => s.computedFor);
  const text = useDocument((s) => s.text);
  const canCheck = useAvailability().check;
  const commands = useCommands();
  const store = useProposalsStore().getState();
  const ready = computedFor === text;

  const pending = useMemo(() => selectPending({ set, rejected }), [set, rejected]);
  const rejectedList = useMemo(() => selectRejected({ set, rejected }), [set, rejected]);
  const lowRisk = useMemo(
    () => lowRiskPending({ set, rejected, choices }).length,
    [set, rejected, choices],
  );

  const listRef = useRef<HTMLUListElement>(null);
  const focusAfter = useRef<number | null>(null);
  useEffect(() => {
    const index = focusAfter.current;
    const items = listRef.current?.querySelectorAll<HTMLElement>('[data-proposal]');
    if (index === null || !items) return;
    if (items.length === 0) return;
    focusAfter.current = null;
    items[Math.min(index, items.length - 1)]?.focus();
  }, [pending]);

  if (!observations || !set) return null;
  const nothing =
    pending.length === 0 &&
    rejectedList.length === 0 &&
    set.blocked.length === 0 &&
    accepted.length === 0 &&
    !set.problem;
  if (nothing) return null;

  const actionsFor = (id: string, index: number): ProposalActions => ({
    accept: () => {
      focusAfter.current = index;
      store.accept(id);
    },
    reject: () => {
      focusAfter.current = index;
      store.reject(id);
    },
    edit: () => store.startEdit(id),
    move: (step) => {
      const items = listRef.current?.querySelectorAll<HTMLElement>('[data-proposal]');
      items?.[Math.max(0, Math.min(index + step, items.length - 1))]?.focus();
    },
  });

  return (
    <section className="proposals" aria-label="Proposed policy changes" data-testid="proposals">
      <div className="proposals-header">
        <h3>Proposed changes</h3>
        <span className="proposals-count">{pending.length} pending</span>
        <div className="proposals-buttons">
          <button
            type="button"
            className="button"
            disabled={!ready || lowRisk === 0}
            onClick={() => store.acceptAllLowRisk()}
          >
            Accept all low-risk ({lowRisk})
          </button>
          <button
            type="button"
            className="button proposal-accept"
            disabled={!canCheck}
            aria-keyshortcuts="F6"
            onClick={() => void commands.check()}
          >
            Run check again <kbd aria-hidden="true">F6</kbd>
          </button>
        </div>
      </div>
      <p className="proposals-help">
        On a proposal: <kbd>A</kbd> accept, <kbd>R</kbd> reject, <kbd>E</kbd> edit the rule,{' '}
        <kbd>↑</kbd> <kbd>↓</kbd> move. Accepted rules go into the policy (Ctrl+Z in the editor
        undoes them); <kbd>F6</kbd> checks again.
      </p>
      {set.problem ? <p className="proposals-problem">{set.problem}</p> : null}
      {error ? (
        <p className="proposals-error" role="alert">
          {error}
        </p>
      ) : null}
      {pending.length > 0 ? (
        <ul className="proposals-list" ref={listRef} aria-label="Pending proposals">
          {pending.map((proposal, index) => (
            <ProposalItem
              key={proposal.id}
              proposal={proposal}
              ready={ready}
              actions={actionsFor(proposal.id, index)}
            />
          ))}
        </ul>
      ) : accepted.length > 0 && ready ? (
        <p className="proposals-done" role="status">
          Every proposal is handled. Press <kbd>F6</kbd> to check again.
        </p>
      ) : null}
      {accepted.length > 0 ? (
        <details className="proposals-more">
          <summary>Accepted this round ({accepted.length})</summary>
          <ul>
            {accepted.map((change, i) => (
              <li key={`${change.id}-${i}`}>{change.summary}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {rejectedList.length > 0 ? (
        <details className="proposals-more">
          <summary>Rejected ({rejectedList.length})</summary>
          <ul>
            {rejectedList.map((proposal) => (
              <li key={proposal.id}>
                <code>{proposal.syscall}</code>{' '}
                <button type="button" className="button" onClick={() => store.restore(proposal.id)}>
                  Restore
                </button>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {set.blocked.length > 0 ? (
        <details className="proposals-more" open>
          <summary>Denied without a proposal ({set.blocked.length})</summary>
          <ul>
            {set.blocked.map((b) => (
              <li key={`${b.kind}-${b.syscall}-${b.arch}-${b.reason}`}>
                <code>{b.syscall}</code> ({b.arch}, {b.count}×): {b.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
