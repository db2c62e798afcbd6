import '../../styles/import-export.css';
import { useMemo } from 'react';
import type { SourceRange } from '../../../app/policy/source-range';
import { exportView, type ExportView } from '../../state/import-export-store';
import { Modal } from '../dialogs/Modal';
import { showInPolicyEditor } from '../filter-panel/policy-editor-link';
import { downloadText } from '../saved-runs/download';
import { useDocument, useStudio } from '../studio-context';
import { ConversionNotes } from './ConversionNotes';
import { ExportOptionsFields } from './ConversionOptions';
import { EXPORT_FORMATS } from './conversions';
import { FormatChoice } from './FormatChoice';
import { useImportExport } from './use-import-export';

/** "Export Policy…": the document's policy in another tool's format, to copy or download. */
export function ExportDialog() {
  const open = useImportExport((s) => s.exportOpen);
  if (!open) return null;
  return <ExportDialogContent />;
}

function ExportDialogContent() {
  const { stores } = useStudio();
  const format = useImportExport((s) => s.exportFormat);
  const options = useImportExport((s) => s.exportOptions);
  const text = useDocument((s) => s.text);
  const name = useDocument((s) => s.name);
  const analysis = useDocument((s) => s.analysis);
  const view = useMemo(
    () => exportView({ text, name, analysis }, format, options),
    [text, name, analysis, format, options],
  );
  const close = (): void => stores.importExport.getState().closeExport();
  const showLine = (range: SourceRange): void => {
    close();
    // After the dialog has closed and handed focus back, or it would take the focus again.
    setTimeout(() => showInPolicyEditor(range), 0);
  };
  const output = view.state === 'done' && view.result.ok ? view.result.text : null;
  const notify = (kind: 'info' | 'error', message: string): void =>
    stores.ui.getState().notify(kind, message);

  const copy = async (): Promise<void> => {
    if (output === null) return;
    try {
      await navigator.clipboard.writeText(output);
      notify('info', `Copied the ${format} export.`);
    } catch (error) {
      notify('error', `Copy failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return (
    <Modal
      title="Export policy"
      onCancel={close}
      className="ie-modal"
      footer={
        <>
          <button
            type="button"
            className="button"
            disabled={output === null}
            onClick={() => void copy()}
          >
            Copy
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={output === null}
            onClick={() => {
              if (output !== null && view.state === 'done') downloadText(view.fileName, [output]);
            }}
          >
            Download
          </button>
          <button type="button" className="button" onClick={close}>
            Close
          </button>
        </>
      }
    >
      <div className="ie-layout">
        <FormatChoice
          legend="Format"
          formats={EXPORT_FORMATS}
          value={format}
          onChange={(f) => stores.importExport.getState().setExportFormat(f)}
        />
        <div className="ie-output">
          <ExportOptionsFields format={format} />
          <ExportOutcome view={view} onShow={showLine} />
        </div>
      </div>
    </Modal>
  );
}

function ExportOutcome({ view, onShow }: { view: ExportView; onShow: (r: SourceRange) => void }) {
  if (view.state === 'pending') return <p className="ie-status">Checking the policy…</p>;
  if (view.state === 'blocked') {
    return (
      <p className="ie-status ie-blocked" role="alert">
        {view.reason}
      </p>
    );
  }
  const { result } = view;
  if (!result.ok) {
    return (
      <ConversionNotes
        label="Export error"
        severity="error"
        notes={[result.error]}
        onShow={onShow}
      />
    );
  }
  return (
    <>
      <ConversionNotes
        label="What this format cannot express"
        severity="warning"
        notes={result.warnings}
        onShow={onShow}
      />
      <p className="ie-file-name">{view.fileName}</p>
      <pre className="ie-text" aria-label="Exported text" tabIndex={0}>
        {result.text}
      </pre>
    </>
  );
}
