import { resolve } from 'node:path';
import { hasErrors, parsePolicy } from '../../app/policy/parse';
import type { Policy } from '../../app/policy/model';
import { formatDiagnostic } from '../../app/policy/source-range';
import { createIncludeReader } from '../backend/include-reader';
import { readPolicyFile } from '../backend/read-policy-file';
import { CliError, EXIT_USAGE } from './cli-error';

export interface LoadedPolicy {
  /** The file as the user named it (for messages). */
  readonly file: string;
  readonly path: string;
  readonly text: string;
  readonly policy: Policy;
  /** Warnings and notes, formatted `FILE:LINE:COL: warning: message`. */
  readonly notes: readonly string[];
}

/**
 * Reads and parses a policy, following its `include:` entries relative to its folder; errors become
 * `FILE:LINE:COL: error: message` lines and exit 2.
 */
export async function loadPolicy(file: string): Promise<LoadedPolicy> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readPolicyFile(path, file);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT_USAGE);
  }
  // The user named this file on their own command line: its includes may be anywhere.
  const { policy, diagnostics } = parsePolicy(text, { path, readInclude: createIncludeReader() });
  const lines = diagnostics.map((d) => formatDiagnostic(file, d));
  if (!policy || hasErrors(diagnostics)) {
    throw new CliError(lines.join('\n') || `${file}: error: invalid policy`, EXIT_USAGE);
  }
  return { file, path, text, policy, notes: lines };
}
