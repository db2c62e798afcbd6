import type { KeyboardEvent } from 'react';
import { useProposals } from './use-proposals';

/**
 * The inline field for writing the rule of one proposal yourself. Every change is checked by
 * inserting it into the policy and parsing the result; the message says what is wrong, or which
 * observed calls the rule would still leave denied. Ctrl+Enter applies, Escape cancels.
 */
export function RuleDraftEditor({ syscall }: { syscall: string }) {
  const draft = useProposals((s) => s.draft);
  const editDraft = useProposals((s) => s.editDraft);
  const commitDraft = useProposals((s) => s.commitDraft);
  const cancelDraft = useProposals((s) => s.cancelDraft);
  if (!draft) return null;
  const lines = draft.text.split('\n').length;

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    // The list's A/R/E keys and the studio's shortcuts must not fire while typing here.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      cancelDraft();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!draft.error) commitDraft();
    }
  };

  const messageId = `rule-draft-message-${draft.id}`;
  return (
    <div className="rule-draft">
      <textarea
        className="rule-draft-text"
        aria-label={`Rule for ${syscall}`}
        aria-describedby={messageId}
        aria-invalid={draft.error !== null}
        spellCheck={false}
        autoFocus
        rows={Math.max(2, Math.min(lines + 1, 10))}
        value={draft.text}
        onChange={(event) => editDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <p
        id={messageId}
        className={`rule-draft-message${draft.error ? ' is-error' : draft.warning ? ' is-warning' : ''}`}
        role="status"
      >
        {draft.error ?? draft.warning ?? 'Valid rule. Ctrl+Enter applies it, Escape cancels.'}
      </p>
      <div className="proposal-actions">
        <button
          type="button"
          className="button proposal-accept"
          disabled={draft.error !== null}
          onClick={commitDraft}
        >
          Apply rule
        </button>
        <button type="button" className="button" onClick={cancelDraft}>
          Cancel
        </button>
      </div>
    </div>
  );
}
