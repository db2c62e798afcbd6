import type { Dialog } from '../../state/ui-store';
import { Modal } from './Modal';

type ConfirmDialogSpec = Extract<Dialog, { kind: 'confirm' }>;

export function ConfirmDialog({ dialog }: { dialog: ConfirmDialogSpec }) {
  return (
    <Modal
      title={dialog.title}
      onCancel={() => dialog.resolve(false)}
      footer={
        <>
          <button
            type="button"
            className="button"
            data-autofocus
            onClick={() => dialog.resolve(false)}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => dialog.resolve(true)}
          >
            {dialog.confirmLabel}
          </button>
        </>
      }
    >
      <p>{dialog.message}</p>
    </Modal>
  );
}
