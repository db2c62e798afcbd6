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
import { IMPORT_FORMATS, READ_WHOLE_MAX_BYTES, type ImportResult } from './conversions';
import type { TraceImportProgress } from './trace-import';
import { FormatChoice } from './FormatChoice';
import { useImportExport } from './use-import-export';

/**
 * "Import Policy…": another tool's policy from a file (the browser's file picker, so it works in
 * web mode and in Electron alike) or pasted, converted here and opened as a new document. An
 * strace log can instead be opened as a trace; a large one is read and sent a slice at a time,
 * with its progress and a way to cancel.
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
  const reading = useImportExport((s) => s.importReading);
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
          {importing ? (
            <button type="button" className="button" onClick={() => store.getState().cancelTrace()}>
              Cancel import
            </button>
          ) : null}
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
          {canOpenAsTrace ? (
            <p className="ie-status">
              Open as trace saves the log as a run. Pointer arguments are 0 in it: strace shows what
              they point at, not their values; path strings and <code>strace -y</code> file
              descriptors are kept.
            </p>
          ) : null}
          <TraceImportStatus state={traceImport} />
          <ImportOutcome source={input?.name ?? null} result={result} reading={reading} />
        </div>
      </div>
    </Modal>
  );
}

async function readFile(store: ImportExportStore, file: File, onError: (m: string) => void) {
  // A large file is not read here: an strace log is read a slice at a time, and nothing else
  // is that large (the conversion says so).
  if (file.size > READ_WHOLE_MAX_BYTES) {
    store.getState().setImportInput({ name: file.name, content: '', size: file.size, file });
    return;
  }
  try {
    const content = new Uint8Array(await file.arrayBuffer());
    store.getState().setImportInput({ name: file.name, content });
  } catch (error) {
    onError(`Cannot read ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function ImportOutcome({
  source,
  result,
  reading,
}: {
  source: string | null;
  result: ImportResult | null;
  reading: number | null;
}) {
  if (reading !== null) {
    return <Progress label={`Reading ${source ?? 'the log'}`} fraction={reading} />;
  }
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

const PHASES: Record<TraceImportProgress['phase'], string> = {
  sending: 'Sending the log',
  saving: 'Saving the run',
  opening: 'Opening the run',
};

/** How "Open as trace" goes, or went when it did not open the trace. */
function TraceImportStatus({ state }: { state: TraceImportState }) {
  if (state.status === 'importing') {
    const { progress } = state;
    const fraction = progress.phase === 'sending' ? progress.fraction : undefined;
    return <Progress label={PHASES[progress.phase]} fraction={fraction} />;
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

/** A step under way: its percentage when known, a busy bar when not. */
function Progress({ label, fraction }: { label: string; fraction: number | undefined }) {
  const percent = fraction === undefined ? undefined : Math.floor(fraction * 100);
  return (
    <p className="ie-status" role="status">
      <progress
        aria-label={label}
        max={100}
        {...(percent === undefined ? {} : { value: percent })}
      />{' '}
      {label}…{percent === undefined ? '' : ` ${percent} %`}
    </p>
  );
}
