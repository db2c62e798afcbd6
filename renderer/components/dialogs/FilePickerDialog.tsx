import { useEffect, useRef, useState } from 'react';
import type { Dialog } from '../../state/ui-store';
import { useConnection } from '../studio-context';
import { Modal } from './Modal';

type OpenFileDialog = Extract<Dialog, { kind: 'open-file' }>;

/** Web mode's Open: the workspace's policy files; arrows move, Enter or a click opens. */
export function FilePickerDialog({ dialog }: { dialog: OpenFileDialog }) {
  const workspace = useConnection((s) => s.host?.workspace);
  const [active, setActive] = useState(0);
  const files = dialog.files ?? [];
  const list = useRef<HTMLUListElement>(null);
  const loaded = files.length > 0;
  useEffect(() => {
    if (loaded) list.current?.focus();
  }, [loaded]);
  const choose = (index: number): void => {
    const file = files[index];
    if (file) dialog.resolve(file);
  };

  const onKeyDown = (event: React.KeyboardEvent): void => {
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      Home: 0,
      End: files.length - 1,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      setActive(Math.min(Math.max(next, 0), Math.max(files.length - 1, 0)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(active);
    }
  };

  return (
    <Modal
      title="Open policy"
      className="file-picker"
      onCancel={() => dialog.resolve(null)}
      footer={
        <button type="button" className="button" onClick={() => dialog.resolve(null)}>
          Cancel
        </button>
      }
    >
      {workspace ? <p className="modal-note">Policy files in {workspace}</p> : null}
      {dialog.files === null ? <p className="modal-note">Loading…</p> : null}
      {dialog.error ? <p className="modal-error">Cannot list the files: {dialog.error}</p> : null}
      {dialog.files !== null && files.length === 0 && !dialog.error ? (
        <p className="modal-note">There is no *.sandbox.yaml file in the workspace yet.</p>
      ) : null}
      {files.length > 0 ? (
        <ul
          ref={list}
          className="file-list"
          role="listbox"
          aria-label="Policy files"
          tabIndex={0}
          aria-activedescendant={`file-option-${active}`}
          onKeyDown={onKeyDown}
        >
          {files.map((file, index) => (
            <li
              key={file.handle}
              id={`file-option-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : undefined}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(index)}
            >
              {file.name}
            </li>
          ))}
        </ul>
      ) : null}
    </Modal>
  );
}
