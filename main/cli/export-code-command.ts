import { CodeExportError, type CodeLanguage } from '../../app/export/code-export';
import { exportCode } from '../../app/export/export-code';
import { formatDiagnostic } from '../../app/policy/source-range';
import { CliError, EXIT_OK, EXIT_USAGE } from './cli-error';
import { writeLines, type CliIo } from './cli-io';
import { loadPolicy } from './policy-input';

export interface ExportCodeOptions {
  /** c | libseccomp-c | windows-c | freebsd-c */
  readonly language: CodeLanguage;
  readonly policy: string;
  /** `--no-tsync`: the Linux filter binds the calling thread only. */
  readonly tsync?: boolean;
}

/**
 * `export c|libseccomp-c|windows-c|freebsd-c POLICY`: the C file the program compiles in to
 * sandbox itself, on stdout. What the file leaves out (layers a launcher applies) goes to stderr
 * as warnings at their policy lines; a policy that cannot be exported so is exit 2.
 */
export async function exportCodeCommand(options: ExportCodeOptions, io: CliIo): Promise<number> {
  const loaded = await loadPolicy(options.policy);
  let exported;
  try {
    exported = exportCode(options.language, loaded.policy, {
      ...(options.tsync !== undefined && { tsync: options.tsync }),
    });
  } catch (error) {
    if (!(error instanceof CodeExportError)) throw error;
    const where = error.range
      ? `${loaded.file}:${error.range.start.line}:${error.range.start.column}`
      : loaded.file;
    throw new CliError(`${where}: error: ${error.message}`, EXIT_USAGE);
  }
  const notes = exported.notes.map((d) => formatDiagnostic(loaded.file, d));
  writeLines(io.stderr, [...new Set([...loaded.notes, ...notes])]);
  io.stdout(exported.text);
  return EXIT_OK;
}
