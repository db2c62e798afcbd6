import { useId, useState } from 'react';
import { normalizeFileName } from '../../commands/suggested-name';
import type { Dialog } from '../../state/ui-store';
import { useConnection } from '../studio-context';
import { Modal } from './Modal';

type SaveAsDialogSpec = Extract<Dialog, { kind: 'save-as' }>;

/** Web mode's Save As: a file name inside the workspace. */
export function SaveAsDialog({ dialog }: { dialog: SaveAsDialogSpec }) {
  const workspace = useConnection((s) => s.host?.workspace);
  const [typed, setTyped] = useState(dialog.suggestedName);
  const inputId = useId();
  const checked = normalizeFileName(typed);
  const submit = (): void => {
    if ('name' in checked) dialog.resolve(checked.name);
  };
  return (
    <Modal
      title="Save policy as"
      onCancel={() => dialog.resolve(null)}
      footer={
        <>
          <button type="button" className="button" onClick={() => dialog.resolve(null)}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!('name' in checked)}
            onClick={submit}
          >
            Save
          </button>
        </>
      }
    >
      <label htmlFor={inputId} className="field-label">
        File name{workspace ? ` in ${workspace}` : ''}
      </label>
      <input
        id={inputId}
        className="text-field"
        value={typed}
        spellCheck={false}
        data-autofocus
        aria-invalid={'error' in checked}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            submit();
          }
        }}
      />
      <p className={'error' in checked ? 'modal-error' : 'modal-note'}>
        {'error' in checked ? checked.error : `Saves ${checked.name}`}
      </p>
    </Modal>
  );
}
