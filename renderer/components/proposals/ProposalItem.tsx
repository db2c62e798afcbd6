import type { KeyboardEvent } from 'react';
import type { Proposal } from '../../../app/proposals/proposal';
import { chosenOption } from '../../state/proposals-store';
import { RiskBadge } from './RiskBadge';
import { RuleDraftEditor } from './RuleDraftEditor';
import { useProposals } from './use-proposals';

export interface ProposalActions {
  accept(): void;
  reject(): void;
  edit(): void;
  /** Moves the keyboard focus to the previous (-1) or next (+1) proposal. */
  move(step: -1 | 1): void;
}

function callsText(proposal: Proposal): string {
  const calls = proposal.count === 1 ? '1 call' : `${proposal.count} calls`;
  const pids = proposal.pids.length === 1 ? 'pid' : 'pids';
  return `${calls} (${pids} ${proposal.pids.join(', ')})`;
}

/** One proposal: what was denied, the rule options with their risk, and what to do with it. */
export function ProposalItem({
  proposal,
  actions,
  ready,
}: {
  proposal: Proposal;
  actions: ProposalActions;
  /** False while the proposals are being recomputed for a new text. */
  ready: boolean;
}) {
  const choices = useProposals((s) => s.choices);
  const choose = useProposals((s) => s.choose);
  const editing = useProposals((s) => s.draft?.id === proposal.id);
  const option = chosenOption({ choices }, proposal);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.target !== event.currentTarget || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const key = event.key.toLowerCase();
    const act =
      key === 'a' && ready
        ? actions.accept
        : key === 'r'
          ? actions.reject
          : key === 'e' && ready
            ? actions.edit
            : event.key === 'ArrowDown'
              ? () => actions.move(1)
              : event.key === 'ArrowUp'
                ? () => actions.move(-1)
                : undefined;
    if (!act) return;
    event.preventDefault();
    act();
  };

  return (
    <li className="proposal-entry">
      <article
        className={`proposal risk-${option.risk.level}`}
        tabIndex={0}
        data-testid="proposal"
        data-proposal={proposal.id}
        aria-keyshortcuts="A R E"
        aria-label={`${option.summary}; ${option.risk.level} risk. Keys: A accept, R reject, E edit.`}
        onKeyDown={onKeyDown}
      >
        <div className="proposal-head">
          <code className="proposal-syscall">{proposal.syscall}</code>
          <RiskBadge level={option.risk.level} />
          <span className="proposal-facts">
            {callsText(proposal)}, denied by {proposal.deniedBy.join(' and ')}
          </span>
        </div>
        {proposal.options.length > 1 ? (
          <fieldset className="proposal-options">
            <legend className="proposal-legend">Rule for {proposal.syscall}</legend>
            {proposal.options.map((o) => (
              <label key={o.kind} className="proposal-option">
                <input
                  type="radio"
                  name={`proposal-${proposal.id}`}
                  checked={o.kind === option.kind}
                  onChange={() => choose(proposal.id, o.kind)}
                />
                <span className="proposal-option-summary">{o.summary}</span>
                <RiskBadge level={o.risk.level} />
              </label>
            ))}
          </fieldset>
        ) : (
          <p className="proposal-summary">{option.summary}</p>
        )}
        {option.risk.reasons.length > 0 ? (
          <ul className="proposal-reasons" aria-label="Why this risk">
            {option.risk.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        ) : null}
        {proposal.note ? <p className="proposal-note">{proposal.note}</p> : null}
        {editing ? (
          <RuleDraftEditor syscall={proposal.syscall} />
        ) : (
          <>
            <pre className="proposal-rule">{option.ruleText}</pre>
            <div className="proposal-actions">
              <button
                type="button"
                className="button proposal-accept"
                disabled={!ready}
                onClick={actions.accept}
              >
                Accept <kbd aria-hidden="true">A</kbd>
              </button>
              <button type="button" className="button" onClick={actions.reject}>
                Reject <kbd aria-hidden="true">R</kbd>
              </button>
              <button type="button" className="button" disabled={!ready} onClick={actions.edit}>
                Edit <kbd aria-hidden="true">E</kbd>
              </button>
            </div>
          </>
        )}
      </article>
    </li>
  );
}
