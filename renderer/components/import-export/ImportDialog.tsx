import '../../styles/import-export.css';
import { useRef, useState, type ChangeEvent } from 'react';
import {
  PASTED_TEXT,
  type ImportExportStore,
  type TraceImportState,
} from '../../state/import-export-store';
import { Modal } from '../dialogs/Modal';
import { useStudio } from '../studio-context';
import { ConversionNotes } from './ConversionNotes';
import { ImportOptionsFields } from './ConversionOptions';
import { IMPORT_FORMATS, MAX_IMPORT_BYTES, type ImportResult } from './conversions';
import { FormatChoice } from './FormatChoice';
import { useImportExport } from './use-import-export';

/**
 * "Import Policy…": another tool's policy from a file (the browser's file picker, so it works in
 * web mode and in Electron alike) or pasted, converted here and opened as a new document.
 */
export function ImportDialog() {
  const open = useImportExport((s) => s.importOpen);
  if (!open) return null;
  return <ImportDialogContent />;
}

function ImportDialogContent() {
  const { stores } = useStudio();
  const store = stores.importExport;
  const format = useImportExport((s) => s.importFormat);
  const input = useImportExport((s) => s.importInput);
  const result = useImportExport((s) => s.importResult);
  const canOpenAsTrace = useImportExport((s) => s.canOpenAsTrace);
  const traceImport = useImportExport((s) => s.traceImport);
  const importing = traceImport.status === 'importing';
  const [pasted, setPasted] = useState(input?.name === PASTED_TEXT ? String(input.content) : '');
  const fileInput = useRef<HTMLInputElement>(null);

  const onFile = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    if (!file) return;
    setPasted('');
    void readFile(store, file, (m) => stores.ui.getState().notify('error', m));
  };
  const onPaste = (event: ChangeEvent<HTMLTextAreaElement>): void => {
    const text = event.target.value;
    setPasted(text);
    if (fileInput.current) fileInput.current.value = '';
    store.getState().setImportInput(text === '' ? null : { name: PASTED_TEXT, content: text });
  };
  const close = (): void => store.getState().closeImport();

  return (
    <Modal
      title="Import policy"
      onCancel={close}
      className="ie-modal"
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          {canOpenAsTrace ? (
            <button
              type="button"
              className="button"
              disabled={!result?.ok || importing}
              title="Save the log as a run and show its events"
              onClick={() => void store.getState().openAsTrace()}
            >
              {importing ? 'Opening as trace…' : 'Open as trace'}
            </button>
          ) : null}
          <button
            type="button"
            className="button button-primary"
            disabled={!result?.ok || importing}
            onClick={() => void store.getState().openAsPolicy()}
          >
            Open as policy
          </button>
        </>
      }
    >
      <div className="ie-layout">
        <FormatChoice
          legend="Format"
          formats={IMPORT_FORMATS}
          value={format}
          onChange={(f) => store.getState().setImportFormat(f)}
        />
        <div className="ie-output">
          <ImportOptionsFields format={format} />
          <label className="ie-field">
            <span>File</span>
            <input ref={fileInput} type="file" onChange={onFile} />
          </label>
          <label className="ie-field">
            <span>or paste the text</span>
            <textarea
              className="ie-paste"
              value={pasted}
              onChange={onPaste}
              spellCheck={false}
              rows={5}
            />
          </label>
          <TraceImportStatus state={traceImport} />
          <ImportOutcome source={input?.name ?? null} result={result} />
        </div>
      </div>
    </Modal>
  );
}

async function readFile(store: ImportExportStore, file: File, onError: (m: string) => void) {
  // A file too large to be a policy is not read at all; the conversion reports its size.
  if (file.size > MAX_IMPORT_BYTES) {
    store.getState().setImportInput({ name: file.name, content: '', size: file.size });
    return;
  }
  try {
    const content = new Uint8Array(await file.arrayBuffer());
    store.getState().setImportInput({ name: file.name, content });
  } catch (error) {
    onError(`Cannot read ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function ImportOutcome({ source, result }: { source: string | null; result: ImportResult | null }) {
  if (result === null || source === null) {
    return <p className="ie-status">Choose a file or paste its text.</p>;
  }
  if (!result.ok) {
    return <ConversionNotes label="Import error" severity="error" notes={[result.error]} />;
  }
  return (
    <>
      <ConversionNotes
        label="What could not be carried over exactly"
        severity="warning"
        notes={result.warnings}
      />
      <p className="ie-file-name">Policy from {source}</p>
      <pre className="ie-text" aria-label="Imported policy" tabIndex={0}>
        {result.policyText}
      </pre>
    </>
  );
}

/** How "Open as trace" went, when it did not open the trace. */
function TraceImportStatus({ state }: { state: TraceImportState }) {
  if (state.status === 'importing') {
    return (
      <p className="ie-status" role="status">
        Saving the log as a run…
      </p>
    );
  }
  if (state.status === 'saved') {
    return (
      <p className="ie-status" role="status">
        {state.message}
      </p>
    );
  }
  if (state.status === 'failed') {
    return <ConversionNotes label="Trace import error" severity="error" notes={[state.error]} />;
  }
  return null;
}
