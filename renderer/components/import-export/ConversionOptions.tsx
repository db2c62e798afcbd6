import { useId, type ReactNode } from 'react';
import { SUPPORTED_ARCHES, type Arch } from '../../../app/linux/syscalls';
import { useStudio } from '../studio-context';
import {
  DOCKER_CAPABILITIES_TEXT,
  exportOptionsOf,
  importOptionsOf,
  type ExportOptions,
  type ImportOptions,
} from './conversion-options';
import type { ExportFormat, ImportFormat } from './conversions';
import { useImportExport } from './use-import-export';

/*
 * The options of the chosen format, as the CLI has them (`import --caps --arch --kernel`,
 * `export --conditional --name --namespace --no-tsync --arch`). A change converts again at once.
 */

function OptionsGroup({ children }: { children: ReactNode }) {
  return (
    <fieldset className="ie-options">
      <legend>Options</legend>
      {children}
    </fieldset>
  );
}

function ArchSelect({
  label,
  defaultLabel,
  value,
  onChange,
}: {
  label: string;
  defaultLabel: string;
  value: Arch | '';
  onChange: (arch: Arch | '') => void;
}) {
  return (
    <label className="ie-field ie-option">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as Arch | '')}>
        <option value="">{defaultLabel}</option>
        {SUPPORTED_ARCHES.map((arch) => (
          <option key={arch} value={arch}>
            {arch}
          </option>
        ))}
      </select>
    </label>
  );
}

function TextOption({
  label,
  value,
  placeholder,
  onChange,
}: {
  label: string;
  value: string;
  placeholder: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="ie-field ie-option">
      <span>{label}</span>
      <input
        type="text"
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/** oci, k8s, systemd: the host's arch; the other formats: the traced or filtered program's. */
const HOST_ARCH_FORMATS: ReadonlySet<string> = new Set(['oci', 'k8s', 'systemd']);

export function ImportOptionsFields({ format }: { format: ImportFormat }) {
  const store = useStudio().stores.importExport;
  const options = useImportExport((s) => s.importOptions);
  const capsHint = useId();
  const names = importOptionsOf(format);
  if (names.length === 0) return null;
  const set = (patch: Partial<ImportOptions>): void => store.getState().setImportOptions(patch);
  return (
    <OptionsGroup>
      {names.includes('caps') ? (
        <div className="ie-option ie-option-wide">
          <label className="ie-field">
            <span>Container capabilities</span>
            <input
              type="text"
              value={options.caps}
              spellCheck={false}
              aria-describedby={capsHint}
              onChange={(e) => set({ caps: e.target.value })}
            />
          </label>
          <span id={capsHint} className="ie-option-hint">
            Comma-separated, CAP_ optional; empty for none.
          </span>
          <button
            type="button"
            className="button ie-option-reset"
            disabled={options.caps === DOCKER_CAPABILITIES_TEXT}
            onClick={() => set({ caps: DOCKER_CAPABILITIES_TEXT })}
          >
            Docker&apos;s default capabilities
          </button>
        </div>
      ) : null}
      {names.includes('arch') ? (
        <ArchSelect
          label={HOST_ARCH_FORMATS.has(format) ? 'Host arch' : "Program's arch"}
          defaultLabel="default (x86_64)"
          value={options.arch}
          onChange={(arch) => set({ arch })}
        />
      ) : null}
      {names.includes('kernel') ? (
        <TextOption
          label="Host kernel version"
          value={options.kernel}
          placeholder="any (every minKernel met)"
          onChange={(kernel) => set({ kernel })}
        />
      ) : null}
    </OptionsGroup>
  );
}

export function ExportOptionsFields({ format }: { format: ExportFormat }) {
  const store = useStudio().stores.importExport;
  const options = useImportExport((s) => s.exportOptions);
  const names = exportOptionsOf(format);
  if (names.length === 0) return null;
  const set = (patch: Partial<ExportOptions>): void => store.getState().setExportOptions(patch);
  return (
    <OptionsGroup>
      {names.includes('conditional') ? (
        <label className="ie-field ie-option">
          <span>Syscalls the policy allows only under an argument condition</span>
          <select
            value={options.conditional}
            onChange={(e) => set({ conditional: e.target.value === 'allow' ? 'allow' : 'deny' })}
          >
            <option value="deny">deny them (systemd cannot test arguments)</option>
            <option value="allow">allow them, whatever their arguments</option>
          </select>
        </label>
      ) : null}
      {names.includes('k8sName') ? (
        <TextOption
          label="Name (metadata.name)"
          value={options.k8sName}
          placeholder="from the policy's name"
          onChange={(k8sName) => set({ k8sName })}
        />
      ) : null}
      {names.includes('k8sNamespace') ? (
        <TextOption
          label="Namespace (metadata.namespace)"
          value={options.k8sNamespace}
          placeholder="none"
          onChange={(k8sNamespace) => set({ k8sNamespace })}
        />
      ) : null}
      {names.includes('tsync') ? (
        <label className="ie-check ie-option ie-option-wide">
          <input
            type="checkbox"
            checked={options.tsync}
            onChange={(e) => set({ tsync: e.target.checked })}
          />
          <span>Install the filter on every thread (TSYNC); off: the calling thread only</span>
        </label>
      ) : null}
      {names.includes('arch') ? (
        <ArchSelect
          label={format === 'bpf' ? 'Compile for' : 'Write the file for'}
          defaultLabel={format === 'bpf' ? 'every arch of the policy' : "the policy's first arch"}
          value={options.arch}
          onChange={(arch) => set({ arch })}
        />
      ) : null}
    </OptionsGroup>
  );
}
