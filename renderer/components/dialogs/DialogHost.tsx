import { useUi } from '../studio-context';
import { ConfirmDialog } from './ConfirmDialog';
import { FilePickerDialog } from './FilePickerDialog';
import { SaveAsDialog } from './SaveAsDialog';

export function DialogHost() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'open-file':
      return <FilePickerDialog dialog={dialog} />;
    case 'confirm':
      return <ConfirmDialog dialog={dialog} />;
    case 'save-as':
      return <SaveAsDialog dialog={dialog} />;
  }
}
